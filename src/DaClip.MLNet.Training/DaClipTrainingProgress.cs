namespace DaClip.MLNet.Training;

/// <summary>Progress of <see cref="DaClipTrainer"/>, reported after every step.</summary>
/// <param name="Phase">"features" while the frozen tower encodes images for the cache, "train" during optimisation.</param>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="Epochs">Total epochs.</param>
/// <param name="Step">1-based step within the epoch (or images encoded, in the features phase).</param>
/// <param name="StepsPerEpoch">Steps per epoch (or images to encode).</param>
/// <param name="Loss">Batch loss.</param>
/// <param name="Focal">Focal part.</param>
/// <param name="Dice">Dice part.</param>
/// <param name="CrossEntropy">Image cross-entropy part.</param>
/// <param name="ImagesPerSecond">Throughput of the current phase.</param>
/// <param name="Eta">Estimated time left for the whole run.</param>
public sealed record DaClipTrainingProgress(
    string Phase, int Epoch, int Epochs, int Step, int StepsPerEpoch,
    double Loss, double Focal, double Dice, double CrossEntropy, double ImagesPerSecond, TimeSpan Eta)
{
    /// <inheritdoc />
    public override string ToString() => Phase == "features"
        ? $"encoding images {Step}/{StepsPerEpoch} ({ImagesPerSecond:F1} img/s, ETA {Eta:hh\\:mm\\:ss})"
        : $"epoch {Epoch}/{Epochs} step {Step}/{StepsPerEpoch} loss {Loss:F4} (focal {Focal:F4}, dice {Dice:F4}, ce {CrossEntropy:F4}) {ImagesPerSecond:F1} img/s ETA {Eta:hh\\:mm\\:ss}";
}
