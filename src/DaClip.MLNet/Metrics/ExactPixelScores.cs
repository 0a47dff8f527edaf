namespace DaClip.MLNet.Metrics;

/// <summary>
/// Exact pixel accumulator: keeps the float32 score key of every normal pixel (4 bytes each) in chunks of 1M keys, each
/// radix-sorted when it fills, and the distinct scores of each region with their counts. A table merges the sorted
/// chunks (k-way, highest first) straight into distinct scores with counts: O(n log k) without a second copy of the
/// keys, and later tables reuse the sorted chunks.
/// </summary>
internal sealed class ExactPixelScores : PixelScoreAccumulator
{
    private const int ChunkLength = 1 << 20;
    private readonly List<uint[]> _sortedChunks = [];
    private readonly RegionEntryBuffer _regions = new(0);
    private uint[] _current = new uint[ChunkLength];
    private uint[]? _scratch;
    private int _currentLength;

    /// <inheritdoc/>
    protected override void AddPixels(ReadOnlySpan<float> map, ReadOnlySpan<int> labels, ReadOnlySpan<int> sizes, ref uint minKey, ref uint maxKey)
    {
        bool hasRegions = !labels.IsEmpty;
        var current = _current;
        int length = _currentLength;
        for (int i = 0; i < map.Length; i++)
        {
            uint key = ScoreKeys.ToKey(map[i]);
            if (key < minKey) minKey = key;
            if (key > maxKey) maxKey = key;
            if (hasRegions && labels[i] != 0) continue;
            if (length == current.Length)
            {
                RadixSort.Sort(current, _scratch ??= new uint[ChunkLength]);
                _sortedChunks.Add(current);
                current = new uint[ChunkLength];
                length = 0;
            }
            current[length++] = key;
        }
        _current = current;
        _currentLength = length;
        if (hasRegions) _regions.AddImage(map, labels, sizes);
    }

    /// <inheritdoc/>
    public override ScoreLevelTable ToTable()
    {
        var tail = _current.AsSpan(0, _currentLength).ToArray();
        RadixSort.Sort(tail, _scratch ??= new uint[ChunkLength]);
        var runs = new List<uint[]>(_sortedChunks) { tail };
        var (keys, counts) = MergeDescending(runs);
        return ScoreLevelTable.FromKeyCounts(0, null, keys, counts, _regions.Snapshot(), MinScore, MaxScore);
    }

    /// <summary>Distinct keys, highest first, with their counts, of ascending runs (a max-heap over the runs' ends).</summary>
    private static (uint[] Keys, long[] Counts) MergeDescending(List<uint[]> runs)
    {
        var heap = new (uint Key, int Run)[runs.Count];
        var position = new int[runs.Count];
        int size = 0;
        for (int r = 0; r < runs.Count; r++)
        {
            position[r] = runs[r].Length - 1;
            if (position[r] >= 0) heap[size++] = (runs[r][position[r]], r);
        }
        for (int i = size / 2 - 1; i >= 0; i--) SiftDown(heap, size, i);

        var keys = new uint[Math.Max(16, size)];
        var counts = new long[keys.Length];
        int distinct = 0;
        while (size > 0)
        {
            var (key, run) = heap[0];
            var data = runs[run];
            int p = position[run];
            int end = p;
            while (p >= 0 && data[p] == key) p--;
            if (distinct > 0 && keys[distinct - 1] == key)
            {
                counts[distinct - 1] += end - p;
            }
            else
            {
                if (distinct == keys.Length)
                {
                    Array.Resize(ref keys, checked(keys.Length * 2));
                    Array.Resize(ref counts, keys.Length);
                }
                keys[distinct] = key;
                counts[distinct++] = end - p;
            }
            position[run] = p;
            if (p >= 0) heap[0] = (data[p], run);
            else heap[0] = heap[--size];
            SiftDown(heap, size, 0);
        }
        Array.Resize(ref keys, distinct);
        Array.Resize(ref counts, distinct);
        return (keys, counts);
    }

    private static void SiftDown((uint Key, int Run)[] heap, int size, int i)
    {
        var item = heap[i];
        while (true)
        {
            int child = 2 * i + 1;
            if (child >= size) break;
            if (child + 1 < size && heap[child + 1].Key > heap[child].Key) child++;
            if (heap[child].Key <= item.Key) break;
            heap[i] = heap[child];
            i = child;
        }
        heap[i] = item;
    }
}
