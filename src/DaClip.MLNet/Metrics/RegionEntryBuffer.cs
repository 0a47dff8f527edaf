using System.Buffers;

namespace DaClip.MLNet.Metrics;

/// <summary>
/// Growing store of the ground-truth regions of a pixel set: for every region its size and the distinct score keys of
/// its pixels (highest first) with their multiplicities. Shared by the exact and the streaming pixel accumulators; the
/// keys are exact float keys (shift 0) or histogram bins (shift &gt; 0).
/// </summary>
internal sealed class RegionEntryBuffer
{
    private uint[] _keys = new uint[256];
    private int[] _counts = new int[256];
    private int _length;
    private readonly List<int> _starts = [0];
    private readonly List<int> _sizes = [];

    public RegionEntryBuffer(int shift) => Shift = shift;

    /// <summary>Right shift applied to a score key to get the stored key.</summary>
    public int Shift { get; }

    /// <summary>
    /// Appends the regions of one image: <paramref name="labels"/> holds 0 for normal pixels and 1..sizes.Length for the
    /// regions (as <see cref="ConnectedComponents.Label8"/> makes them).
    /// </summary>
    public void AddImage(ReadOnlySpan<float> map, ReadOnlySpan<int> labels, ReadOnlySpan<int> sizes)
    {
        long total = 0;
        foreach (int s in sizes) total += s;
        if (total == 0) return;
        var packed = ArrayPool<ulong>.Shared.Rent(checked((int)total));
        try
        {
            int n = 0;
            for (int i = 0; i < labels.Length; i++)
            {
                int label = labels[i];
                if (label == 0) continue;
                packed[n++] = ((ulong)(uint)(label - 1) << 32) | (ScoreKeys.ToKey(map[i]) >> Shift);
            }
            if (n != total) throw new InvalidOperationException($"Region sizes sum to {total} but the labels mark {n} pixels.");
            var span = packed.AsSpan(0, n);
            span.Sort();
            // Sorted by (region, key): walk the regions in order, each one's keys from the highest down.
            int start = 0;
            for (int region = 0; region < sizes.Length; region++)
            {
                int end = start + sizes[region];
                int i = end - 1;
                while (i >= start)
                {
                    uint key = (uint)span[i];
                    int j = i - 1;
                    while (j >= start && (uint)span[j] == key) j--;
                    Append(key, i - j);
                    i = j;
                }
                _starts.Add(_length);
                _sizes.Add(sizes[region]);
                start = end;
            }
        }
        finally
        {
            ArrayPool<ulong>.Shared.Return(packed);
        }
    }

    /// <summary>Copies the stored regions into immutable arrays.</summary>
    public RegionEntries Snapshot() =>
        new(_starts.ToArray(), _keys.AsSpan(0, _length).ToArray(), _counts.AsSpan(0, _length).ToArray(), _sizes.ToArray());

    private void Append(uint key, int count)
    {
        if (_length == _keys.Length)
        {
            int capacity = checked(_keys.Length * 2);
            Array.Resize(ref _keys, capacity);
            Array.Resize(ref _counts, capacity);
        }
        _keys[_length] = key;
        _counts[_length] = count;
        _length++;
    }
}

/// <summary>
/// Regions in compressed-row form: region r owns entries <c>Starts[r]..Starts[r+1]-1</c> of <c>Keys</c>/<c>Counts</c>
/// (keys descending), and has <c>Sizes[r]</c> pixels.
/// </summary>
internal sealed record RegionEntries(int[] Starts, uint[] Keys, int[] Counts, int[] Sizes)
{
    public static RegionEntries Empty { get; } = new([0], [], [], []);
}
