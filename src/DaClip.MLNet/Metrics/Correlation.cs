namespace DaClip.MLNet.Metrics;

/// <summary>Agreement between two maps of the same image (for example the same model at two precisions).</summary>
internal static class Correlation
{
    /// <summary>
    /// Pearson's correlation coefficient of <paramref name="a"/> and <paramref name="b"/> (same length, at least two
    /// values), accumulated in double. Two constant inputs that are equal give 1; a constant input against a varying
    /// one gives 0.
    /// </summary>
    /// <exception cref="ArgumentException">The lengths differ or are below 2.</exception>
    public static double Pearson(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length) throw new ArgumentException($"The maps have {a.Length} and {b.Length} values; they must be of the same length.", nameof(b));
        if (a.Length < 2) throw new ArgumentException("Pearson's correlation needs at least two values.", nameof(a));
        double meanA = 0, meanB = 0;
        for (int i = 0; i < a.Length; i++)
        {
            meanA += a[i];
            meanB += b[i];
        }
        meanA /= a.Length;
        meanB /= b.Length;
        double sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double da = a[i] - meanA, db = b[i] - meanB;
            sab += da * db;
            saa += da * da;
            sbb += db * db;
        }
        if (saa == 0 || sbb == 0) return saa == sbb && a.SequenceEqual(b) ? 1 : 0;
        return sab / Math.Sqrt(saa * sbb);
    }
}
