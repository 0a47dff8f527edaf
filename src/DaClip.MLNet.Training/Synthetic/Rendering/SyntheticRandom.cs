namespace DaClip.MLNet.Training.Synthetic.Rendering;

/// <summary>
/// The generator's own pseudo-random source: xoshiro256** seeded through SplitMix64. Both algorithms are fixed here,
/// so a seed gives the same stream on every runtime version (System.Random's unseeded algorithm is unspecified and
/// its seeded one is kept only for compatibility).
/// </summary>
internal sealed class SyntheticRandom
{
    private const ulong Golden = 0x9E3779B97F4A7C15UL;
    private ulong _s0, _s1, _s2, _s3;

    /// <summary>Starts the stream for <paramref name="seed"/>.</summary>
    public SyntheticRandom(ulong seed)
    {
        var state = seed;
        _s0 = SplitMix(ref state);
        _s1 = SplitMix(ref state);
        _s2 = SplitMix(ref state);
        _s3 = SplitMix(ref state);
    }

    /// <summary>SplitMix64 step: advances <paramref name="state"/> and returns a well-mixed 64-bit value.</summary>
    public static ulong SplitMix(ref ulong state)
    {
        state += Golden;
        return Finalize(state);
    }

    /// <summary>SplitMix64's output function: a bijective avalanche mix of 64 bits.</summary>
    public static ulong Finalize(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Hashes a seed with further values into one seed (order matters).</summary>
    public static ulong Mix(ulong seed, params ReadOnlySpan<ulong> values)
    {
        var h = Finalize(seed + Golden);
        foreach (var v in values) h = Finalize(h ^ (v + Golden + (h << 6) + (h >> 2)));
        return h;
    }

    /// <summary>Next 64 random bits (xoshiro256**).</summary>
    public ulong NextUInt64()
    {
        var result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [<paramref name="low"/>, <paramref name="high"/>).</summary>
    public double Uniform(double low, double high) => low + (high - low) * NextDouble();

    /// <summary>Uniform integer in [0, <paramref name="count"/>) (multiply-shift on 32 bits; bias below 2^-32 * count).</summary>
    public int Next(int count) => (int)(((NextUInt64() >> 32) * (ulong)count) >> 32);

    /// <summary>True with probability <paramref name="p"/>.</summary>
    public bool Chance(double p) => NextDouble() < p;

    /// <summary>+1 or -1 with equal probability.</summary>
    public double Sign() => (NextUInt64() >> 63) == 0 ? 1.0 : -1.0;

    /// <summary>Standard normal deviate (Box-Muller, one value per call).</summary>
    public double Normal()
    {
        var u1 = 1.0 - NextDouble();
        var u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>An angle uniform in [0, 2 pi).</summary>
    public double Angle() => 2.0 * Math.PI * NextDouble();
}
