namespace DaClip.Cli.Bench;

/// <summary>
/// Fast deterministic synthetic anomaly maps and masks for the metrics benchmark (image i depends only on the seed and
/// i, so batches can be generated in parallel): a smooth background (a random 9 x 9 grid upsampled bilinearly) plus
/// uniform noise; half the images carry 1-3 elliptic defects, most covered by a (sometimes shifted) bump of the score,
/// some missed; 30 % of all images get a false-positive bump. Scores are squashed into (0, 1) with a soft sign, so they
/// spread over many float32 exponents like softmax maps do.
/// </summary>
internal sealed class SyntheticAnomalyMaps
{
    private const int Grid = 9;
    private readonly int _size;
    private readonly int _classes;
    private readonly int _seed;
    private readonly int[] _gridColumn;
    private readonly float[] _gridWeight;

    public SyntheticAnomalyMaps(int size, int classes, int seed)
    {
        _size = size;
        _classes = classes;
        _seed = seed;
        _gridColumn = new int[size];
        _gridWeight = new float[size];
        for (int x = 0; x < size; x++)
        {
            float g = (float)x / Math.Max(1, size - 1) * (Grid - 1);
            int c = Math.Min((int)g, Grid - 2);
            _gridColumn[x] = c;
            _gridWeight[x] = g - c;
        }
    }

    /// <summary>Class of image <paramref name="index"/> (round robin).</summary>
    public string ClassOf(int index) => $"class{index % _classes:D2}";

    /// <summary>Fills <paramref name="map"/> and <paramref name="mask"/> (size x size) for image <paramref name="index"/>; returns (anomalous, image score).</summary>
    public (bool Anomalous, float Score) Generate(int index, float[] map, byte[] mask)
    {
        int size = _size;
        uint state = Mix((ulong)(uint)_seed << 32 | (uint)index);
        var grid = new float[Grid * Grid];
        for (int i = 0; i < grid.Length; i++) grid[i] = 0.8f * (Next(ref state) - 0.5f);

        var line = new float[Grid];
        for (int y = 0; y < size; y++)
        {
            float gy = (float)y / Math.Max(1, size - 1) * (Grid - 1);
            int r = Math.Min((int)gy, Grid - 2);
            float wy = gy - r;
            for (int c = 0; c < Grid; c++) line[c] = grid[r * Grid + c] * (1 - wy) + grid[(r + 1) * Grid + c] * wy;
            int row = y * size;
            for (int x = 0; x < size; x++)
            {
                int c = _gridColumn[x];
                float w = _gridWeight[x];
                map[row + x] = -2.2f + line[c] * (1 - w) + line[c + 1] * w + 0.6f * (Next(ref state) - 0.5f);
            }
        }

        Array.Clear(mask);
        bool anomalous = Next(ref state) < 0.5f;
        if (anomalous)
        {
            int defects = 1 + (int)(Next(ref state) * 3);
            for (int d = 0; d < defects; d++)
            {
                float cy = Next(ref state) * size, cx = Next(ref state) * size;
                float ry = 2 + Next(ref state) * size / 10f, rx = 2 + Next(ref state) * size / 10f;
                Ellipse(mask, cy, cx, ry, rx);
                if (Next(ref state) < 0.85f)
                {
                    float shift = 0.5f * Next(ref state);
                    Bump(map, cy + shift * ry, cx - shift * rx, 1.4f * ry, 1.4f * rx, 2f + 2f * Next(ref state));
                }
            }
        }
        if (Next(ref state) < 0.3f)
            Bump(map, Next(ref state) * size, Next(ref state) * size, 4 + Next(ref state) * size / 12f, 4 + Next(ref state) * size / 12f, 2.5f);

        float max = float.NegativeInfinity;
        for (int i = 0; i < map.Length; i++)
        {
            float z = map[i];
            float v = 0.5f + 0.5f * z / (1f + MathF.Abs(z));
            map[i] = v;
            if (v > max) max = v;
        }
        return (anomalous, max + 0.05f * (Next(ref state) - 0.5f));
    }

    private void Ellipse(byte[] mask, float cy, float cx, float ry, float rx)
    {
        int size = _size;
        for (int y = Math.Max(0, (int)(cy - ry)); y <= Math.Min(size - 1, (int)(cy + ry)); y++)
            for (int x = Math.Max(0, (int)(cx - rx)); x <= Math.Min(size - 1, (int)(cx + rx)); x++)
            {
                float dy = (y - cy) / ry, dx = (x - cx) / rx;
                if (dy * dy + dx * dx <= 1) mask[y * size + x] = 1;
            }
    }

    /// <summary>Adds amplitude * (1 - d^2)^2 inside the ellipse of radii (ry, rx): smooth, compact support, no exp.</summary>
    private void Bump(float[] map, float cy, float cx, float ry, float rx, float amplitude)
    {
        int size = _size;
        for (int y = Math.Max(0, (int)(cy - ry)); y <= Math.Min(size - 1, (int)(cy + ry)); y++)
            for (int x = Math.Max(0, (int)(cx - rx)); x <= Math.Min(size - 1, (int)(cx + rx)); x++)
            {
                float dy = (y - cy) / ry, dx = (x - cx) / rx;
                float d2 = dy * dy + dx * dx;
                if (d2 < 1) map[y * size + x] += amplitude * (1 - d2) * (1 - d2);
            }
    }

    /// <summary>SplitMix64 finaliser: a well-spread, never-zero xorshift state from (seed, index), stable across processes.</summary>
    private static uint Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15ul;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ul;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBul;
        z ^= z >> 31;
        return (uint)z | 1u;
    }

    /// <summary>xorshift32, uniform in [0, 1).</summary>
    private static float Next(ref uint state)
    {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        return (state >> 8) * (1f / (1 << 24));
    }
}
