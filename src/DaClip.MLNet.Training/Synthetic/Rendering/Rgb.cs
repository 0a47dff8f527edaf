namespace DaClip.MLNet.Training.Synthetic.Rendering;

/// <summary>A linear RGB colour with channels nominally in [0, 1] (values outside are clamped only when quantised).</summary>
internal readonly struct Rgb(double r, double g, double b)
{
    public double R { get; } = r;
    public double G { get; } = g;
    public double B { get; } = b;

    public static Rgb Grey(double v) => new(v, v, v);

    public static Rgb operator +(Rgb a, Rgb b) => new(a.R + b.R, a.G + b.G, a.B + b.B);
    public static Rgb operator -(Rgb a, Rgb b) => new(a.R - b.R, a.G - b.G, a.B - b.B);
    public static Rgb operator *(Rgb a, double s) => new(a.R * s, a.G * s, a.B * s);
    public static Rgb operator *(Rgb a, Rgb b) => new(a.R * b.R, a.G * b.G, a.B * b.B);

    /// <summary><paramref name="a"/> where <paramref name="t"/> = 0, <paramref name="b"/> where it is 1.</summary>
    public static Rgb Lerp(Rgb a, Rgb b, double t) =>
        new(a.R + (b.R - a.R) * t, a.G + (b.G - a.G) * t, a.B + (b.B - a.B) * t);

    /// <summary>Rec. 601 luma.</summary>
    public double Luma => 0.299 * R + 0.587 * G + 0.114 * B;

    /// <summary>Euclidean distance in RGB.</summary>
    public static double Distance(Rgb a, Rgb b)
    {
        var d = a - b;
        return Math.Sqrt(d.R * d.R + d.G * d.G + d.B * d.B);
    }

    /// <summary>Each channel scaled by an independent factor 1 + <paramref name="spread"/> * N(0, 1), and all by a common one.</summary>
    public Rgb Jitter(SyntheticRandom rng, double spread)
    {
        var common = 1.0 + spread * rng.Normal();
        return new Rgb(
            R * common * (1.0 + 0.5 * spread * rng.Normal()),
            G * common * (1.0 + 0.5 * spread * rng.Normal()),
            B * common * (1.0 + 0.5 * spread * rng.Normal()));
    }
}
