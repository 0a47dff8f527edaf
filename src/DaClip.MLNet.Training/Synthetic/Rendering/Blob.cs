namespace DaClip.MLNet.Training.Synthetic.Rendering;

/// <summary>An irregular closed shape: a circle whose radius is modulated by a few random harmonics of the angle.</summary>
internal sealed class Blob
{
    private readonly double[] _amplitude;
    private readonly double[] _phase;
    private readonly int _firstHarmonic;

    /// <summary>A blob centred on (<paramref name="cx"/>, <paramref name="cy"/>), mean radius <paramref name="radius"/>, harmonics <paramref name="firstHarmonic"/> up to <paramref name="lastHarmonic"/> each with amplitude up to <paramref name="roughness"/>.</summary>
    public Blob(SyntheticRandom rng, double cx, double cy, double radius, double roughness, int firstHarmonic = 2, int lastHarmonic = 6)
    {
        CenterX = cx;
        CenterY = cy;
        Radius = radius;
        _firstHarmonic = firstHarmonic;
        var count = lastHarmonic - firstHarmonic + 1;
        _amplitude = new double[count];
        _phase = new double[count];
        for (var k = 0; k < count; k++)
        {
            _amplitude[k] = roughness * rng.NextDouble() / Math.Sqrt(k + 1);
            _phase[k] = rng.Angle();
        }
        MaxRadius = radius * (1.0 + _amplitude.Sum());
    }

    public double CenterX { get; }
    public double CenterY { get; }

    /// <summary>Mean radius.</summary>
    public double Radius { get; }

    /// <summary>Largest radius the harmonics can reach.</summary>
    public double MaxRadius { get; }

    /// <summary>Bounding rectangle.</summary>
    public Bounds Bounds => Bounds.Around(CenterX, CenterY, MaxRadius);

    /// <summary>Approximate signed distance (radial): |p - c| - r(angle).</summary>
    public double Distance(double x, double y)
    {
        var dx = x - CenterX;
        var dy = y - CenterY;
        var d = Math.Sqrt(dx * dx + dy * dy);
        if (d > MaxRadius + 0.05) return d - MaxRadius;
        var angle = Math.Atan2(dy, dx);
        var r = 1.0;
        for (var k = 0; k < _amplitude.Length; k++) r += _amplitude[k] * Math.Sin((k + _firstHarmonic) * angle + _phase[k]);
        return d - Radius * r;
    }
}
