namespace DaClip.MLNet.Training.Pretraining;

/// <summary>Zero-shot image-to-caption retrieval accuracy on held-out pairs.</summary>
/// <param name="Pairs">Image-caption pairs searched (each image against all the captions).</param>
/// <param name="Top1">Share of images whose own caption ranks first.</param>
/// <param name="Top5">Share of images whose own caption is among the first five.</param>
internal sealed record RetrievalAccuracy(int Pairs, double Top1, double Top5)
{
    /// <summary>Top-1 of pure chance (1 / pairs).</summary>
    public double Chance => 1.0 / Pairs;

    /// <inheritdoc/>
    public override string ToString() => FormattableString.Invariant($"top-1 {Top1:P1}, top-5 {Top5:P1} of {Pairs} (chance {Chance:P2})");
}
