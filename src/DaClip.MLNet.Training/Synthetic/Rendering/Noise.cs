namespace DaClip.MLNet.Training.Synthetic.Rendering;

/// <summary>Deterministic hash noise: per-lattice-point values, smooth value noise and fractal sums of it.</summary>
internal static class Noise
{
    /// <summary>A 64-bit hash of a seed and an integer lattice point.</summary>
    public static ulong Hash(ulong seed, long x, long y) =>
        SyntheticRandom.Finalize(seed ^ SyntheticRandom.Finalize((ulong)x * 0xD1B54A32D192ED03UL + (ulong)y * 0xABC98388FB8FAC03UL));

    /// <summary>Uniform in [0, 1) for a lattice point.</summary>
    public static double Hash01(ulong seed, long x, long y) => (Hash(seed, x, y) >> 11) * (1.0 / (1UL << 53));

    /// <summary>Value noise in [0, 1]: lattice values blended with a quintic fade; one lattice cell per unit.</summary>
    public static double Value(ulong seed, double x, double y)
    {
        var fx = Math.Floor(x);
        var fy = Math.Floor(y);
        var ix = (long)fx;
        var iy = (long)fy;
        var tx = Fade(x - fx);
        var ty = Fade(y - fy);
        var a = Hash01(seed, ix, iy);
        var b = Hash01(seed, ix + 1, iy);
        var c = Hash01(seed, ix, iy + 1);
        var d = Hash01(seed, ix + 1, iy + 1);
        var top = a + (b - a) * tx;
        var bottom = c + (d - c) * tx;
        return top + (bottom - top) * ty;
    }

    /// <summary>Fractal sum of <paramref name="octaves"/> value-noise octaves (lacunarity 2, gain 1/2), normalised to [0, 1].</summary>
    public static double Fbm(ulong seed, double x, double y, int octaves)
    {
        var sum = 0.0;
        var amplitude = 1.0;
        var norm = 0.0;
        for (var o = 0; o < octaves; o++)
        {
            sum += amplitude * Value(seed + (ulong)o * 0x632BE59BD9B4E019UL, x, y);
            norm += amplitude;
            amplitude *= 0.5;
            x = x * 2.0 + 17.3;
            y = y * 2.0 - 9.1;
        }
        return sum / norm;
    }

    private static double Fade(double t) => t * t * t * (t * (t * 6.0 - 15.0) + 10.0);
}
