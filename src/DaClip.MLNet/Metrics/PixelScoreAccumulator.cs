namespace DaClip.MLNet.Metrics;

/// <summary>
/// Collects the pixels of one class, image by image, and turns them into a <see cref="ScoreLevelTable"/>: exactly
/// (<see cref="ExactPixelScores"/>) or through fine histograms in bounded memory (<see cref="HistogramPixelScores"/>).
/// </summary>
internal abstract class PixelScoreAccumulator
{
    private uint _minKey = uint.MaxValue;
    private uint _maxKey;

    /// <summary>
    /// Adds one image. <paramref name="map"/> holds finite scores (validated by the caller); <paramref name="labels"/> is
    /// empty for an image without anomalous pixels, else its 8-connected region labels (0 normal, 1..sizes.Length);
    /// <paramref name="sizes"/> the pixel count of each region.
    /// </summary>
    public void Add(ReadOnlySpan<float> map, ReadOnlySpan<int> labels, ReadOnlySpan<int> sizes)
    {
        uint min = _minKey, max = _maxKey;
        AddPixels(map, labels, sizes, ref min, ref max);
        _minKey = min;
        _maxKey = max;
    }

    /// <summary>The table of everything added so far (the accumulator stays usable).</summary>
    public abstract ScoreLevelTable ToTable();

    /// <summary>Smallest score added so far.</summary>
    protected float MinScore => ScoreKeys.FromKey(_minKey);

    /// <summary>Largest score added so far.</summary>
    protected float MaxScore => ScoreKeys.FromKey(_maxKey);

    /// <summary>Stores one image's pixels and widens the running key range.</summary>
    protected abstract void AddPixels(ReadOnlySpan<float> map, ReadOnlySpan<int> labels, ReadOnlySpan<int> sizes, ref uint minKey, ref uint maxKey);
}
