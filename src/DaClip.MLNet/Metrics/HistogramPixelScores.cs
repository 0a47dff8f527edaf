namespace DaClip.MLNet.Metrics;

/// <summary>
/// Streaming pixel accumulator of bounded memory. A score's bin is its float32 value with the low 23 - m mantissa bits
/// dropped: bins of relative width 2^-m, the same at every magnitude, so no score range has to be known in advance.
/// Normal pixels are counted in pages of 2^m bins, one page per (sign, exponent) pair and allocated on first use
/// (at most 512 pages; maps inside [0, 1] touch a handful). Each region keeps its distinct bins with counts, which the
/// per-region PRO conventions need; that part grows with the anomalous pixels, never beyond one entry per (region, bin).
/// </summary>
internal sealed class HistogramPixelScores : PixelScoreAccumulator
{
    private const int PageCount = 512;
    private readonly int _mantissaBits;
    private readonly int _shift;
    private readonly uint _offsetMask;
    private readonly long[]?[] _pages = new long[PageCount][];
    private readonly RegionEntryBuffer _regions;

    public HistogramPixelScores(int mantissaBits)
    {
        _mantissaBits = mantissaBits;
        _shift = ScoreKeys.MantissaBits - mantissaBits;
        _offsetMask = (1u << mantissaBits) - 1;
        _regions = new RegionEntryBuffer(_shift);
    }

    /// <inheritdoc/>
    protected override void AddPixels(ReadOnlySpan<float> map, ReadOnlySpan<int> labels, ReadOnlySpan<int> sizes, ref uint minKey, ref uint maxKey)
    {
        bool hasRegions = !labels.IsEmpty;
        int shift = _shift;
        uint offsetMask = _offsetMask;
        int currentPage = -1;
        long[] page = [];
        for (int i = 0; i < map.Length; i++)
        {
            uint key = ScoreKeys.ToKey(map[i]);
            if (key < minKey) minKey = key;
            if (key > maxKey) maxKey = key;
            if (hasRegions && labels[i] != 0) continue;
            int pageIndex = (int)(key >> ScoreKeys.MantissaBits);
            if (pageIndex != currentPage)
            {
                page = _pages[pageIndex] ??= new long[offsetMask + 1];
                currentPage = pageIndex;
            }
            page[(key >> shift) & offsetMask]++;
        }
        if (hasRegions) _regions.AddImage(map, labels, sizes);
    }

    /// <inheritdoc/>
    public override ScoreLevelTable ToTable()
    {
        int bins = 0;
        foreach (var page in _pages)
            if (page is not null)
                foreach (long c in page) if (c != 0) bins++;
        var keys = new uint[bins];
        var counts = new long[bins];
        int b = 0;
        for (int p = PageCount - 1; p >= 0; p--)
        {
            var page = _pages[p];
            if (page is null) continue;
            for (int o = page.Length - 1; o >= 0; o--)
            {
                if (page[o] == 0) continue;
                keys[b] = ((uint)p << _mantissaBits) | (uint)o;
                counts[b++] = page[o];
            }
        }
        return ScoreLevelTable.FromKeyCounts(_shift, _mantissaBits, keys, counts, _regions.Snapshot(), MinScore, MaxScore);
    }
}
