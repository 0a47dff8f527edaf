namespace DaClip.MLNet.Metrics;

/// <summary>
/// Least-significant-digit radix sort of 32-bit keys (4 passes of 8 bits, passes whose digit is constant skipped):
/// O(n), several times faster than a comparison sort, with a caller-provided scratch array.
/// </summary>
internal static class RadixSort
{
    /// <summary>Sorts <paramref name="keys"/> ascending; <paramref name="scratch"/> must be at least as long.</summary>
    public static void Sort(uint[] keys, uint[] scratch)
    {
        int n = keys.Length;
        if (scratch.Length < n) throw new ArgumentException($"The scratch array holds {scratch.Length} keys, the sort needs {n}.", nameof(scratch));
        if (n < 2048)
        {
            Array.Sort(keys);
            return;
        }
        var counts = new int[4 * 256];
        foreach (uint k in keys)
        {
            counts[k & 0xFF]++;
            counts[256 + ((k >> 8) & 0xFF)]++;
            counts[512 + ((k >> 16) & 0xFF)]++;
            counts[768 + (k >> 24)]++;
        }

        uint[] source = keys, target = scratch;
        var offsets = new int[256];
        for (int pass = 0; pass < 4; pass++)
        {
            var histogram = counts.AsSpan(pass * 256, 256);
            bool trivial = false;
            foreach (int c in histogram) if (c == n) { trivial = true; break; }
            if (trivial) continue;
            int sum = 0;
            for (int d = 0; d < 256; d++)
            {
                offsets[d] = sum;
                sum += histogram[d];
            }
            int shift = pass * 8;
            foreach (uint k in source.AsSpan(0, n)) target[offsets[(k >> shift) & 0xFF]++] = k;
            (source, target) = (target, source);
        }
        if (!ReferenceEquals(source, keys)) Array.Copy(source, keys, n);
    }
}
