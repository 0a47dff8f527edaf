namespace DaClip.MLNet.Metrics;

/// <summary>
/// Order-preserving map between finite float32 scores and unsigned 32-bit keys: <c>a &lt; b</c> exactly when
/// <c>ToKey(a) &lt; ToKey(b)</c>. Dropping low key bits groups scores into bins of equal relative width
/// (the top 9 bits are sign and exponent, the rest the leading mantissa bits).
/// </summary>
internal static class ScoreKeys
{
    /// <summary>Mantissa bits of a float32.</summary>
    public const int MantissaBits = 23;

    /// <summary>True when <paramref name="score"/> is neither NaN nor infinite.</summary>
    public static bool IsFinite(float score) => (BitConverter.SingleToUInt32Bits(score) & 0x7F80_0000u) != 0x7F80_0000u;

    /// <summary>Index of the first NaN or infinite score, or -1.</summary>
    public static int IndexOfNonFinite(ReadOnlySpan<float> scores)
    {
        var bits = System.Runtime.InteropServices.MemoryMarshal.Cast<float, uint>(scores);
        int i = 0;
        if (System.Numerics.Vector.IsHardwareAccelerated)
        {
            var exponent = new System.Numerics.Vector<uint>(0x7F80_0000u);
            int width = System.Numerics.Vector<uint>.Count;
            for (; i + width <= bits.Length; i += width)
            {
                var v = new System.Numerics.Vector<uint>(bits.Slice(i, width));
                if (System.Numerics.Vector.EqualsAny(v & exponent, exponent)) break;
            }
        }
        for (; i < bits.Length; i++)
            if ((bits[i] & 0x7F80_0000u) == 0x7F80_0000u) return i;
        return -1;
    }

    /// <summary>The key of a finite score; -0 and +0 share the key of +0.</summary>
    public static uint ToKey(float score)
    {
        uint bits = BitConverter.SingleToUInt32Bits(score);
        if (bits == 0x8000_0000u) bits = 0;
        return (bits & 0x8000_0000u) != 0 ? ~bits : bits | 0x8000_0000u;
    }

    /// <summary>The score of a key (inverse of <see cref="ToKey"/>).</summary>
    public static float FromKey(uint key)
    {
        uint bits = (key & 0x8000_0000u) != 0 ? key & 0x7FFF_FFFFu : ~key;
        return BitConverter.UInt32BitsToSingle(bits);
    }
}
