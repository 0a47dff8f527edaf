namespace DaClip.MLNet.Training;

/// <summary>One auxiliary image, preprocessed to S×S.</summary>
/// <param name="Pixels">[3·S·S] RGB in [0, 1], channel-major (the shared preprocessing's output).</param>
/// <param name="Mask">[S·S] 0/1 ground truth, or null when unknown (then only the image loss applies).</param>
/// <param name="Label">True for an anomalous image.</param>
internal sealed record TrainingExample(float[] Pixels, byte[]? Mask, bool Label);

/// <summary>The auxiliary training data: random access so epochs can be shuffled and resumed deterministically.</summary>
internal interface ITrainingSet
{
    /// <summary>Number of images.</summary>
    int Count { get; }

    /// <summary>Loads image <paramref name="index"/> (decode + preprocessing happen here).</summary>
    TrainingExample Get(int index);
}

/// <summary>An in-memory <see cref="ITrainingSet"/>.</summary>
internal sealed class InMemoryTrainingSet(IReadOnlyList<TrainingExample> examples) : ITrainingSet
{
    /// <inheritdoc />
    public int Count => examples.Count;

    /// <inheritdoc />
    public TrainingExample Get(int index) => examples[index];
}
