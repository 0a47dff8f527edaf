using System.Numerics;

namespace DaClip.MLNet.Metrics;

/// <summary>
/// anomalib's AUPRO (<see cref="ProConvention.Anomalib"/>; <c>anomalib.metrics.AUPRO(fpr_limit=0.3)</c> with the
/// default <c>num_thresholds=None</c>), reproduced step by step including its float32 arithmetic:
/// <list type="number">
/// <item>The global ROC over all pixels (torchmetrics <c>binary_roc</c>: one point per distinct score plus (0, 0); scores
/// pass through a float32 sigmoid when any of them lies outside [0, 1], which merges some neighbouring scores into
/// ties). Its number of points with FPR &lt;= limit is the size of an index grid.</item>
/// <item>Per region, the ROC of (all normal pixels + that region) the same way. The points with FPR &lt;= limit are kept
/// (or, when all of those have FPR 0, those up to the first FPR above the limit); unless the last kept FPR is within
/// float32 <c>allclose</c> of the limit, the next point is appended and the grid's last position moved to where the
/// FPR reaches the limit. The kept points' indices are scaled onto the grid and both TPR and FPR linearly interpolated
/// there.</item>
/// <item>The per-region curves are averaged, sorted by FPR (stable), integrated with the trapezoid rule and divided by
/// the last averaged FPR.</item>
/// </list>
/// Pixel counts enter the float32 divisions exactly (torchmetrics' own float32 cumulative counts are exact only up to
/// 2^24 pixels, so results on larger sets can differ from anomalib's in the last float32 digits). The normal pixels'
/// ROC is built once and shared by all regions; the cost is O(regions x grid points), as in anomalib.
/// </summary>
public static class ProAnomalib
{
    private const float Epsilon = 1.1920929e-07f;
    private static readonly Vector<int> Lanes = new(Enumerable.Range(0, Vector<int>.Count).ToArray());

    /// <summary>The normalised area as anomalib returns it (a float32 value); NaN without normal pixels or regions, or where anomalib yields NaN.</summary>
    public static double Area(ScoreLevelTable table, double fprLimit = 0.3)
    {
        ArgumentNullException.ThrowIfNull(table);
        PerRegionOverlap.ValidateLimit(fprLimit);
        if (table.NegativeCount == 0 || table.RegionCount == 0) return double.NaN;

        var scores = table.Scores;
        var neg = table.Negatives;
        float limit = (float)fprLimit;
        float negativeTotal = table.NegativeCount;
        float[] rawKeys = scores.ToArray();
        float[]? sigmoid = null;

        // torchmetrics applies the sigmoid per call, when any score of that call's pixels lies outside [0, 1].
        bool globalSigmoid = OutsideUnit(scores[^1], scores[0]);
        if (globalSigmoid) sigmoid = Sigmoid(scores);
        int outputSize = GlobalGridSize(globalSigmoid ? sigmoid! : rawKeys, neg, negativeTotal, limit);

        int firstNormal = -1, lastNormal = -1;
        for (int l = 0; l < neg.Length; l++)
        {
            if (neg[l] == 0) continue;
            if (firstNormal < 0) firstNormal = l;
            lastNormal = l;
        }
        bool normalOutside = OutsideUnit(scores[lastNormal], scores[firstNormal]);

        var tprSum = new float[outputSize];
        var fprSum = new float[outputSize];
        var curve = new RegionCurve();
        NormalGroups? rawGroups = null, sigmoidGroups = null;
        for (int r = 0; r < table.RegionCount; r++)
        {
            var levels = table.GetRegionLevels(r);
            bool useSigmoid = normalOutside || OutsideUnit(scores[levels[^1]], scores[levels[0]]);
            NormalGroups groups;
            float[] keys;
            if (useSigmoid)
            {
                keys = sigmoid ??= Sigmoid(scores);
                groups = sigmoidGroups ??= new NormalGroups(keys, neg, negativeTotal, limit);
            }
            else
            {
                keys = rawKeys;
                groups = rawGroups ??= new NormalGroups(keys, neg, negativeTotal, limit);
            }
            curve.Build(groups, keys, levels, table.GetRegionLevelCounts(r), table.GetRegionSize(r), limit);
            curve.ResampleInto(outputSize, limit, tprSum, fprSum);
        }

        float regions = table.RegionCount;
        for (int j = 0; j < outputSize; j++)
        {
            tprSum[j] /= regions;
            fprSum[j] /= regions;
        }
        return Auc(fprSum, tprSum) / fprSum[^1];
    }

    private static bool OutsideUnit(float min, float max) => min < 0 || max > 1;

    private static float[] Sigmoid(ReadOnlySpan<float> scores)
    {
        var result = new float[scores.Length];
        for (int i = 0; i < scores.Length; i++) result[i] = 1f / (MathF.Exp(0f - scores[i]) + 1f);
        return result;
    }

    private static int GlobalGridSize(float[] keys, ReadOnlySpan<long> neg, float negativeTotal, float limit)
    {
        int size = 1;
        long falsePositives = 0;
        for (int l = 0; l < keys.Length;)
        {
            float key = keys[l];
            while (l < keys.Length && keys[l] == key) falsePositives += neg[l++];
            if (falsePositives / negativeTotal > limit) break;
            size++;
        }
        return size;
    }

    /// <summary>torch's lower_bound: first index whose value is &gt;= <paramref name="value"/> (binary search as torch runs it, also on unsorted input).</summary>
    private static int LowerBound(ReadOnlySpan<float> values, float value)
    {
        int start = 0, end = values.Length;
        while (start < end)
        {
            int mid = start + ((end - start) >> 1);
            if (!(values[mid] >= value)) start = mid + 1; else end = mid;
        }
        return start;
    }

    private static bool AllClose(float actual, float expected) =>
        actual == expected || MathF.Abs(actual - expected) <= 1e-08f + 1e-05f * MathF.Abs(expected);

    private static float Auc(float[] fpr, float[] tpr)
    {
        int n = fpr.Length;
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        bool sorted = true;
        for (int i = 1; i < n && sorted; i++) sorted = fpr[i] >= fpr[i - 1];
        if (!sorted)
            Array.Sort(order, (a, b) => fpr[a] != fpr[b] ? fpr[a].CompareTo(fpr[b]) : a.CompareTo(b));
        double sum = 0;
        for (int k = 0; k + 1 < n; k++)
        {
            int i0 = order[k], i1 = order[k + 1];
            sum += (tpr[i1] + tpr[i0]) * (fpr[i1] - fpr[i0]);
        }
        return (float)sum / 2f;
    }

    /// <summary>
    /// The ROC points of the normal pixels alone, which every region's curve shares: consecutive normal levels of equal
    /// key form one group (one point), with its cumulative FPR. Kept up to the first group beyond the limit and the
    /// groups that tie with its FPR; <see cref="StopLevel"/> and <see cref="StopKey"/> describe the first group dropped.
    /// </summary>
    private sealed class NormalGroups
    {
        public NormalGroups(float[] keys, ReadOnlySpan<long> neg, float negativeTotal, float limit)
        {
            var first = new List<int>();
            var last = new List<int>();
            var key = new List<float>();
            var fpr = new List<float>();
            long falsePositives = 0;
            float firstBeyond = float.NaN;
            StopLevel = neg.Length;
            StopKey = float.NaN;
            for (int l = 0; l <= neg.Length; l++)
            {
                if (l < neg.Length && neg[l] == 0) continue;
                if (l < neg.Length && key.Count > 0 && keys[l] == key[^1])
                {
                    last[^1] = l;
                    falsePositives += neg[l];
                    fpr[^1] = falsePositives / negativeTotal;
                    continue;
                }
                // The previous group is complete: drop it if it lies past the first group beyond the limit.
                if (fpr.Count > 0)
                {
                    float completed = fpr[^1];
                    if (float.IsNaN(firstBeyond))
                    {
                        if (completed > limit) firstBeyond = completed;
                    }
                    else if (completed > firstBeyond)
                    {
                        StopLevel = first[^1];
                        StopKey = key[^1];
                        first.RemoveAt(first.Count - 1);
                        last.RemoveAt(last.Count - 1);
                        key.RemoveAt(key.Count - 1);
                        fpr.RemoveAt(fpr.Count - 1);
                        break;
                    }
                }
                if (l == neg.Length) break;
                first.Add(l);
                last.Add(l);
                key.Add(keys[l]);
                falsePositives += neg[l];
                fpr.Add(falsePositives / negativeTotal);
            }
            First = [.. first];
            Last = [.. last];
            Key = [.. key];
            Fpr = [.. fpr];
        }

        public int Count => First.Length;
        public int[] First { get; }
        public int[] Last { get; }
        public float[] Key { get; }
        public float[] Fpr { get; }
        public int StopLevel { get; }
        public float StopKey { get; }
    }

    /// <summary>One region's ROC up to just past the limit, and its resampling onto the grid; buffers are reused.</summary>
    private sealed class RegionCurve
    {
        private float[] _fpr = new float[1024];
        private float[] _tpr = new float[1024];
        private float[] _x = [];
        private float[] _yTpr = [];
        private float[] _yFpr = [];
        private float[] _slopeTpr = [];
        private float[] _slopeFpr = [];
        private int _count;
        private int _firstBeyond;

        /// <summary>
        /// The region's ROC on (normal pixels + region): the shared normal groups, with the region's levels merged into
        /// the group of equal key or inserted as points of their own (FPR unchanged, TPR up).
        /// </summary>
        public void Build(NormalGroups groups, float[] keys, ReadOnlySpan<int> regionLevels, ReadOnlySpan<int> regionCounts, int regionSize, float limit)
        {
            _count = 0;
            Append(0f, 0f);
            float size = regionSize;
            long truePositives = 0;
            int emitted = 0, position = 0;
            int insertedAt = -1;
            float insertedKey = 0;
            for (int e = 0; e < regionLevels.Length; e++)
            {
                int level = regionLevels[e];
                float key = keys[level];
                if (level >= groups.StopLevel || key == groups.StopKey) break;
                while (position < groups.Count && groups.Last[position] < level) position++;
                int target = -1;
                if (position < groups.Count && (groups.First[position] <= level || groups.Key[position] == key)) target = position;
                else if (position > 0 && groups.Key[position - 1] == key) target = position - 1;

                if (target >= 0)
                {
                    EmitGroups(groups, emitted, target, truePositives / size);
                    truePositives += regionCounts[e];
                    emitted = target;
                    insertedAt = -1;
                }
                else
                {
                    if (position > emitted) insertedAt = -1;
                    EmitGroups(groups, emitted, position, truePositives / size);
                    emitted = position;
                    truePositives += regionCounts[e];
                    if (insertedAt == position && insertedKey == key)
                    {
                        _tpr[_count - 1] = truePositives / size;
                    }
                    else
                    {
                        Append(position > 0 ? groups.Fpr[position - 1] : 0f, truePositives / size);
                        insertedAt = position;
                        insertedKey = key;
                    }
                }
            }
            EmitGroups(groups, emitted, groups.Count, truePositives / size);

            var fpr = _fpr.AsSpan(0, _count);
            int lo = 0, hi = _count;
            while (lo < hi)
            {
                int mid = lo + ((hi - lo) >> 1);
                if (fpr[mid] > limit) hi = mid; else lo = mid + 1;
            }
            _firstBeyond = lo < _count ? lo : -1;
        }

        private void EmitGroups(NormalGroups groups, int from, int to, float tpr)
        {
            int n = to - from;
            if (n <= 0) return;
            EnsurePoints(_count + n);
            groups.Fpr.AsSpan(from, n).CopyTo(_fpr.AsSpan(_count));
            _tpr.AsSpan(_count, n).Fill(tpr);
            _count += n;
        }

        public void ResampleInto(int outputSize, float limit, float[] tprSum, float[] fprSum)
        {
            var fpr = _fpr.AsSpan(0, _count);
            int lastWithin = _firstBeyond >= 0 ? _firstBeyond - 1 : _count - 1;
            int selected = fpr[lastWithin] == 0 ? _count : lastWithin + 1;
            bool interpolate = !AllClose(fpr[selected - 1], limit);
            int extra = -1;
            float slope = 0;
            if (interpolate)
            {
                extra = LowerBound(fpr, limit);
                slope = 1 - ((fpr[extra] - limit) / (fpr[extra] - fpr[extra - 1]));
            }

            // Kept point i is curve point i for i < selected; with interpolation one more, the curve point 'extra'. Its
            // grid position is (source index / largest source index) * (grid size - 1), in float32 like torch; the
            // element-wise vector operations round exactly as the scalar ones.
            int k = selected + (interpolate ? 1 : 0);
            float maxIndex = Math.Max(selected - 1, extra);
            float gridMax = outputSize - 1;
            EnsureScratch(k);
            var x = _x;
            int i = 0;
            if (Vector.IsHardwareAccelerated)
            {
                int width = Vector<float>.Count;
                var lane = Lanes;
                var divisor = new Vector<float>(maxIndex);
                var factor = new Vector<float>(gridMax);
                for (; i + width <= selected; i += width)
                    (Vector.ConvertToSingle(lane + new Vector<int>(i)) / divisor * factor).CopyTo(x, i);
            }
            for (; i < selected; i++) x[i] = i / maxIndex * gridMax;
            if (interpolate) x[k - 1] = extra / maxIndex * gridMax;

            float[] yTpr = _tpr, yFpr = _fpr;
            if (interpolate && extra != selected)
            {
                yTpr = _yTpr;
                yFpr = _yFpr;
                Array.Copy(_tpr, yTpr, selected);
                Array.Copy(_fpr, yFpr, selected);
                yTpr[k - 1] = _tpr[extra];
                yFpr[k - 1] = _fpr[extra];
            }
            float last = interpolate ? x[k - 2] + ((x[k - 1] - x[k - 2]) * slope) : gridMax;

            var slopeTpr = _slopeTpr;
            var slopeFpr = _slopeFpr;
            i = 0;
            if (Vector.IsHardwareAccelerated)
            {
                int width = Vector<float>.Count;
                var epsilon = new Vector<float>(Epsilon);
                for (; i + width < k; i += width)
                {
                    var dx = epsilon + (new Vector<float>(x, i + 1) - new Vector<float>(x, i));
                    ((new Vector<float>(yTpr, i + 1) - new Vector<float>(yTpr, i)) / dx).CopyTo(slopeTpr, i);
                    ((new Vector<float>(yFpr, i + 1) - new Vector<float>(yFpr, i)) / dx).CopyTo(slopeFpr, i);
                }
            }
            for (; i + 1 < k; i++)
            {
                float dx = Epsilon + (x[i + 1] - x[i]);
                slopeTpr[i] = (yTpr[i + 1] - yTpr[i]) / dx;
                slopeFpr[i] = (yFpr[i + 1] - yFpr[i]) / dx;
            }

            // Positions are sorted unless the appended point precedes the last kept one (the edge case with FPR ties
            // beyond the limit); torch's binary search then runs on the unsorted positions.
            bool monotone = !interpolate || extra >= selected - 1;
            var positions = x.AsSpan(0, k);
            int pointer = 0;
            for (int j = 0; j < outputSize; j++)
            {
                float nx = j == outputSize - 1 ? last : j;
                int lower;
                if (monotone && j < outputSize - 1)
                {
                    while (pointer < k && x[pointer] < nx) pointer++;
                    lower = pointer;
                }
                else
                {
                    lower = LowerBound(positions, nx);
                }
                int s = Math.Clamp(lower - 1, 0, k - 2);
                float offset = nx - x[s];
                tprSum[j] += yTpr[s] + slopeTpr[s] * offset;
                fprSum[j] += yFpr[s] + slopeFpr[s] * offset;
            }
        }

        private void EnsureScratch(int k)
        {
            if (_x.Length >= k) return;
            int size = Math.Max(k, _x.Length * 2);
            _x = new float[size];
            _yTpr = new float[size];
            _yFpr = new float[size];
            _slopeTpr = new float[size];
            _slopeFpr = new float[size];
        }

        private void Append(float fpr, float tpr)
        {
            EnsurePoints(_count + 1);
            _fpr[_count] = fpr;
            _tpr[_count] = tpr;
            _count++;
        }

        private void EnsurePoints(int capacity)
        {
            if (_fpr.Length >= capacity) return;
            int size = Math.Max(capacity, _fpr.Length * 2);
            Array.Resize(ref _fpr, size);
            Array.Resize(ref _tpr, size);
        }
    }
}
