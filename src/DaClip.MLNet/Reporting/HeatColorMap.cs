namespace DaClip.MLNet.Reporting;

/// <summary>
/// The colour scale of the heatmaps, this library's own: dark blue (0) through azure, cyan, pale green (0.5), yellow and
/// orange to dark red (1), piecewise linear in sRGB between nine anchors. Lightness rises towards the middle and falls
/// towards both ends, like the rainbow scales engineers know from inspection tools, and the scale is warm exactly in its
/// upper half: red &gt; blue for t &gt; 0.5, red &lt; blue for t &lt; 0.5, red = blue at 0.5. Values outside [0, 1] are clamped.
/// </summary>
internal static class HeatColorMap
{
    private static readonly (double T, Rgb24 Color)[] Anchors =
    [
        (0.000, new Rgb24(20, 24, 120)),
        (0.150, new Rgb24(30, 90, 225)),
        (0.300, new Rgb24(30, 175, 235)),
        (0.420, new Rgb24(70, 225, 170)),
        (0.500, new Rgb24(140, 240, 140)),
        (0.580, new Rgb24(205, 235, 70)),
        (0.700, new Rgb24(250, 200, 40)),
        (0.850, new Rgb24(245, 115, 25)),
        (1.000, new Rgb24(195, 25, 25)),
    ];

    /// <summary>The colour of <paramref name="t"/> (clamped to [0, 1]; NaN counts as 0).</summary>
    public static Rgb24 Color(double t)
    {
        if (!(t > 0)) return Anchors[0].Color;
        if (t >= 1) return Anchors[^1].Color;
        int k = 1;
        while (Anchors[k].T < t) k++;
        var (t0, c0) = Anchors[k - 1];
        var (t1, c1) = Anchors[k];
        double w = (t - t0) / (t1 - t0);
        return new Rgb24(Mix(c0.R, c1.R, w), Mix(c0.G, c1.G, w), Mix(c0.B, c1.B, w));
    }

    /// <summary>The scale sampled at <paramref name="count"/> evenly spaced points from 0 to 1 (a lookup table or a legend).</summary>
    public static Rgb24[] Table(int count = 256)
    {
        if (count < 2) throw new ArgumentOutOfRangeException(nameof(count), count, "A colour table needs at least 2 entries.");
        var table = new Rgb24[count];
        for (int i = 0; i < count; i++) table[i] = Color(i / (double)(count - 1));
        return table;
    }

    private static byte Mix(byte a, byte b, double w) => (byte)Math.Round(a + (b - a) * w, MidpointRounding.AwayFromZero);
}
