namespace DaClip.MLNet.Training.Pretraining;

/// <summary>Progress of <see cref="ClipPretrainer"/>, reported while rendering the corpus and after every step.</summary>
/// <param name="Phase">"render" while the corpus images are drawn, "train" during optimisation.</param>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="Epochs">Total epochs.</param>
/// <param name="Step">1-based step within the epoch (or images rendered).</param>
/// <param name="Steps">Steps per epoch (or images to render).</param>
/// <param name="Loss">Batch InfoNCE loss (NaN while rendering).</param>
/// <param name="LogitScale">exp of the learnable temperature (NaN while rendering).</param>
/// <param name="LearningRate">Learning rate of the step (NaN while rendering).</param>
/// <param name="ImagesPerSecond">Throughput of the current phase.</param>
/// <param name="Eta">Estimated time left for the phase.</param>
internal sealed record ClipPretrainingProgress(
    string Phase, int Epoch, int Epochs, int Step, int Steps, double Loss, double LogitScale, double LearningRate, double ImagesPerSecond, TimeSpan Eta)
{
    /// <inheritdoc />
    public override string ToString() => Phase == "render"
        ? $"rendering corpus {Step}/{Steps} ({ImagesPerSecond:F1} img/s, ETA {Eta:hh\\:mm\\:ss})"
        : FormattableString.Invariant($"epoch {Epoch}/{Epochs} step {Step}/{Steps} loss {Loss:F4} scale {LogitScale:F1} lr {LearningRate:E2} {ImagesPerSecond:F1} img/s ETA {Eta:hh\\:mm\\:ss}");
}
