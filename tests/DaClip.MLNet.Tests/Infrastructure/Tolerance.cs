using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Infrastructure;

/// <summary>Element-wise comparisons with absolute + relative tolerance that report the worst element.</summary>
public static class Tolerance
{
    /// <summary>Largest |a - b|.</summary>
    public static double MaxAbs(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        Assert.AreEqual(expected.Length, actual.Length, "length");
        double m = 0;
        for (int i = 0; i < actual.Length; i++) m = Math.Max(m, Math.Abs((double)actual[i] - expected[i]));
        return m;
    }

    /// <summary>Asserts |a - e| &lt;= abs + rel * |e| everywhere; returns the max abs error.</summary>
    public static double AssertClose(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected, double abs, double rel, string what)
    {
        Assert.AreEqual(expected.Length, actual.Length, $"{what}: length");
        double max = 0;
        int worst = -1;
        double worstExcess = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            double d = Math.Abs((double)actual[i] - expected[i]);
            if (double.IsNaN(actual[i]) != double.IsNaN(expected[i])) Assert.Fail($"{what}: NaN mismatch at {i}");
            max = Math.Max(max, d);
            double excess = d - (abs + rel * Math.Abs(expected[i]));
            if (excess > worstExcess) { worstExcess = excess; worst = i; }
        }
        if (worst >= 0) Assert.Fail($"{what}: element {worst} is {actual[worst]} but expected {expected[worst]} (|diff| {Math.Abs(actual[worst] - expected[worst]):E3}, tol abs {abs} rel {rel}); max abs {max:E3}");
        return max;
    }
}
