namespace DaClip.MLNet.Metrics;

/// <summary>
/// Scored samples (images or pixels) grouped into levels, highest score first: every level holds the samples of one
/// distinct score (exact tables) or of one narrow score bin (binned tables of the streaming mode), counted as negatives
/// (normal) and positives (anomalous). For pixel tables it also records the ground-truth regions: which levels each
/// region's pixels fall in, and per level the sum over its anomalous pixels of 1 / (size of the pixel's region), so that
/// the per-region overlap at a threshold is a prefix sum. Every ranking metric (AUROC, AP, F1-max, PRO) is a function of
/// this table; it is immutable.
/// </summary>
public sealed class ScoreLevelTable
{
    private readonly float[] _scores;
    private readonly long[] _negatives;
    private readonly long[] _positives;
    private readonly double[] _regionFractions;
    private readonly RegionEntries _regions;
    private readonly int[] _regionLevels;

    private ScoreLevelTable(float[] scores, long[] negatives, long[] positives, double[] regionFractions,
        RegionEntries regions, int[] regionLevels, float minScore, float maxScore, int? binMantissaBits)
    {
        _scores = scores;
        _negatives = negatives;
        _positives = positives;
        _regionFractions = regionFractions;
        _regions = regions;
        _regionLevels = regionLevels;
        MinScore = minScore;
        MaxScore = maxScore;
        BinMantissaBits = binMantissaBits;
        foreach (long c in negatives) NegativeCount += c;
        foreach (long c in positives) PositiveCount += c;
    }

    /// <summary>Number of levels.</summary>
    public int Count => _scores.Length;

    /// <summary>
    /// Score of each level, descending: the exact score, or for a binned table the smallest float32 value of the bin
    /// (so bins inside [0, 1] keep representatives inside [0, 1]).
    /// </summary>
    public ReadOnlySpan<float> Scores => _scores;

    /// <summary>Negative (normal) samples at each level.</summary>
    public ReadOnlySpan<long> Negatives => _negatives;

    /// <summary>Positive (anomalous) samples at each level.</summary>
    public ReadOnlySpan<long> Positives => _positives;

    /// <summary>
    /// Per level, the sum over its positive pixels of 1 / (pixel count of the pixel's region); zero for image tables.
    /// Summed over the levels at or above a threshold and divided by <see cref="RegionCount"/>, it is the mean fraction of
    /// each region predicted anomalous (the PRO value).
    /// </summary>
    public ReadOnlySpan<double> RegionFractions => _regionFractions;

    /// <summary>Total negatives.</summary>
    public long NegativeCount { get; }

    /// <summary>Total positives.</summary>
    public long PositiveCount { get; }

    /// <summary>Ground-truth regions (8-connected components of the masks, every image's regions counted separately).</summary>
    public int RegionCount => _regions.Sizes.Length;

    /// <summary>Smallest input score (exact also for binned tables); NaN for an empty table.</summary>
    public float MinScore { get; }

    /// <summary>Largest input score (exact also for binned tables); NaN for an empty table.</summary>
    public float MaxScore { get; }

    /// <summary>Null for an exact table; for a binned table, the float32 mantissa bits that the bins keep.</summary>
    public int? BinMantissaBits { get; }

    /// <summary>Pixel count of region <paramref name="region"/> (0-based).</summary>
    public int GetRegionSize(int region) => _regions.Sizes[region];

    /// <summary>The levels that hold pixels of region <paramref name="region"/> (0-based), ascending (highest score first).</summary>
    public ReadOnlySpan<int> GetRegionLevels(int region) =>
        _regionLevels.AsSpan(_regions.Starts[region], _regions.Starts[region + 1] - _regions.Starts[region]);

    /// <summary>The region's pixel count at each level of <see cref="GetRegionLevels"/>.</summary>
    public ReadOnlySpan<int> GetRegionLevelCounts(int region) =>
        _regions.Counts.AsSpan(_regions.Starts[region], _regions.Starts[region + 1] - _regions.Starts[region]);

    /// <summary>
    /// Exact table of binary-labelled scores (image-level metrics): one level per distinct score.
    /// </summary>
    /// <param name="scores">Finite scores.</param>
    /// <param name="labels">True for positives (anomalous); same length as <paramref name="scores"/>.</param>
    public static ScoreLevelTable FromScores(ReadOnlySpan<float> scores, ReadOnlySpan<bool> labels)
    {
        if (scores.Length != labels.Length)
            throw new ArgumentException($"{scores.Length} scores but {labels.Length} labels.", nameof(labels));
        int positives = 0;
        foreach (bool l in labels) if (l) positives++;
        var neg = new uint[scores.Length - positives];
        var pos = new uint[positives];
        int ni = 0, pi = 0;
        for (int i = 0; i < scores.Length; i++)
        {
            RequireFinite(scores[i], i, nameof(scores));
            uint key = ScoreKeys.ToKey(scores[i]);
            if (labels[i]) pos[pi++] = key; else neg[ni++] = key;
        }
        Array.Sort(neg);
        Array.Sort(pos);
        var (negKeys, negCounts) = CountDescending(neg);
        var (posKeys, posCounts) = CountDescending(pos);
        return Build(0, null, negKeys, negCounts, posKeys, posCounts, RegionEntries.Empty, MinOf(scores), MaxOf(scores));
    }

    /// <summary>
    /// Exact table of pixels (pixel-level metrics and PRO): one level per distinct score.
    /// </summary>
    /// <param name="scores">Finite pixel scores of the whole image stack, flattened.</param>
    /// <param name="regionIds">
    /// Per pixel 0 for a normal pixel, else the 1-based id of its ground-truth region, unique over the whole stack
    /// (number the regions of each image on from the previous image's last id); every id 1..max must occur.
    /// </param>
    public static ScoreLevelTable FromPixels(ReadOnlySpan<float> scores, ReadOnlySpan<int> regionIds)
    {
        if (scores.Length != regionIds.Length)
            throw new ArgumentException($"{scores.Length} scores but {regionIds.Length} region ids.", nameof(regionIds));
        int regionCount = 0;
        foreach (int id in regionIds)
        {
            if (id < 0) throw new ArgumentException($"Region id {id} is negative; use 0 for normal pixels.", nameof(regionIds));
            regionCount = Math.Max(regionCount, id);
        }
        var sizes = ConnectedComponents.RegionSizes(regionIds, regionCount);
        for (int r = 0; r < sizes.Length; r++)
            if (sizes[r] == 0) throw new ArgumentException($"Region id {r + 1} has no pixel; number the regions 1..count without gaps.", nameof(regionIds));

        long anomalous = 0;
        foreach (int s in sizes) anomalous += s;
        var neg = new uint[scores.Length - anomalous];
        int ni = 0;
        for (int i = 0; i < scores.Length; i++)
        {
            RequireFinite(scores[i], i, nameof(scores));
            if (regionIds[i] == 0) neg[ni++] = ScoreKeys.ToKey(scores[i]);
        }
        Array.Sort(neg);
        var (negKeys, negCounts) = CountDescending(neg);
        var buffer = new RegionEntryBuffer(0);
        buffer.AddImage(scores, regionIds, sizes);
        return FromKeyCounts(0, null, negKeys, negCounts, buffer.Snapshot(), MinOf(scores), MaxOf(scores));
    }

    /// <summary>
    /// Builds a pixel table from negatives given as distinct keys with counts (keys descending) and the regions; the
    /// positives are the regions' pixels. Keys are score keys shifted right by <paramref name="shift"/>.
    /// </summary>
    internal static ScoreLevelTable FromKeyCounts(int shift, int? binMantissaBits, uint[] negKeys, long[] negCounts,
        RegionEntries regions, float minScore, float maxScore)
    {
        var keys = (uint[])regions.Keys.Clone();
        var counts = new long[keys.Length];
        for (int i = 0; i < counts.Length; i++) counts[i] = regions.Counts[i];
        Array.Sort(keys, counts);
        int distinct = 0;
        for (int i = 0; i < keys.Length; i++)
            if (i == 0 || keys[i] != keys[i - 1]) distinct++;
        var posKeys = new uint[distinct];
        var posCounts = new long[distinct];
        int d = distinct;
        for (int i = 0; i < keys.Length; i++)
        {
            if (i == 0 || keys[i] != keys[i - 1]) posKeys[--d] = keys[i];
            posCounts[d] += counts[i];
        }
        return Build(shift, binMantissaBits, negKeys, negCounts, posKeys, posCounts, regions, minScore, maxScore);
    }

    /// <summary>Distinct keys (descending) and their counts from keys sorted ascending.</summary>
    internal static (uint[] Keys, long[] Counts) CountDescending(ReadOnlySpan<uint> sortedAscending)
    {
        int distinct = 0;
        for (int i = 0; i < sortedAscending.Length; i++)
            if (i == 0 || sortedAscending[i] != sortedAscending[i - 1]) distinct++;
        var keys = new uint[distinct];
        var counts = new long[distinct];
        int d = 0;
        for (int i = sortedAscending.Length - 1; i >= 0; i--)
        {
            if (i == sortedAscending.Length - 1 || sortedAscending[i] != sortedAscending[i + 1]) keys[d++] = sortedAscending[i];
            counts[d - 1]++;
        }
        return (keys, counts);
    }

    private static ScoreLevelTable Build(int shift, int? binMantissaBits, uint[] negKeys, long[] negCounts,
        uint[] posKeys, long[] posCounts, RegionEntries regions, float minScore, float maxScore)
    {
        int levels = 0;
        for (int a = 0, b = 0; a < negKeys.Length || b < posKeys.Length; levels++)
        {
            if (b == posKeys.Length || (a < negKeys.Length && negKeys[a] > posKeys[b])) a++;
            else if (a == negKeys.Length || posKeys[b] > negKeys[a]) b++;
            else { a++; b++; }
        }

        var levelKeys = new uint[levels];
        var scores = new float[levels];
        var negatives = new long[levels];
        var positives = new long[levels];
        for (int a = 0, b = 0, l = 0; l < levels; l++)
        {
            if (b == posKeys.Length || (a < negKeys.Length && negKeys[a] > posKeys[b]))
            {
                levelKeys[l] = negKeys[a]; negatives[l] = negCounts[a]; a++;
            }
            else if (a == negKeys.Length || posKeys[b] > negKeys[a])
            {
                levelKeys[l] = posKeys[b]; positives[l] = posCounts[b]; b++;
            }
            else
            {
                levelKeys[l] = negKeys[a]; negatives[l] = negCounts[a]; positives[l] = posCounts[b]; a++; b++;
            }
            scores[l] = ScoreKeys.FromKey(levelKeys[l] << shift);
        }

        var fractions = new double[levels];
        var regionLevels = new int[regions.Keys.Length];
        for (int r = 0; r < regions.Sizes.Length; r++)
        {
            double inverseSize = 1.0 / regions.Sizes[r];
            int lo = 0;
            for (int e = regions.Starts[r]; e < regions.Starts[r + 1]; e++)
            {
                int level = FindDescending(levelKeys, lo, regions.Keys[e]);
                regionLevels[e] = level;
                fractions[level] += regions.Counts[e] * inverseSize;
                lo = level + 1;
            }
        }
        return new ScoreLevelTable(scores, negatives, positives, fractions, regions, regionLevels,
            levels == 0 ? float.NaN : minScore, levels == 0 ? float.NaN : maxScore, binMantissaBits);
    }

    private static int FindDescending(uint[] keys, int lo, uint key)
    {
        int hi = keys.Length - 1;
        while (lo <= hi)
        {
            int mid = lo + ((hi - lo) >> 1);
            if (keys[mid] == key) return mid;
            if (keys[mid] > key) lo = mid + 1; else hi = mid - 1;
        }
        throw new InvalidOperationException($"Region key {key:X8} is missing from the level keys.");
    }

    private static void RequireFinite(float score, int index, string parameter)
    {
        if (!ScoreKeys.IsFinite(score))
            throw new ArgumentException($"Score {index} is {score}; every score must be finite.", parameter);
    }

    private static float MinOf(ReadOnlySpan<float> scores)
    {
        float m = float.PositiveInfinity;
        foreach (float s in scores) m = Math.Min(m, s);
        return m;
    }

    private static float MaxOf(ReadOnlySpan<float> scores)
    {
        float m = float.NegativeInfinity;
        foreach (float s in scores) m = Math.Max(m, s);
        return m;
    }
}
