namespace DaClip.MLNet.Training.Synthetic.Rendering;

/// <summary>A polyline with a half width at every vertex (linearly interpolated along each segment): scratches, cracks, fibres, traces.</summary>
internal sealed class Stroke
{
    private readonly double[] _x;
    private readonly double[] _y;
    private readonly double[] _halfWidth;
    private readonly List<Stroke> _branches = [];

    /// <summary>Distances up to this far outside the stroke are exact.</summary>
    public const double ExactRange = 0.05;

    public Stroke(IReadOnlyList<(double X, double Y)> points, IReadOnlyList<double> halfWidths)
    {
        if (points.Count < 2 || halfWidths.Count != points.Count)
            throw new ArgumentException("A stroke needs at least two points and one half width per point.", nameof(points));
        _x = points.Select(p => p.X).ToArray();
        _y = points.Select(p => p.Y).ToArray();
        _halfWidth = halfWidths.ToArray();
        var maxHalf = _halfWidth.Max();
        Bounds = new Bounds(_x.Min(), _y.Min(), _x.Max(), _y.Max()).Inflate(maxHalf);
        Length = 0.0;
        for (var i = 1; i < _x.Length; i++) Length += Math.Sqrt(Sq(_x[i] - _x[i - 1]) + Sq(_y[i] - _y[i - 1]));
    }

    /// <summary>Rectangle holding the stroke and its branches, widths included.</summary>
    public Bounds Bounds { get; private set; }

    /// <summary>Length of the main polyline plus all branches.</summary>
    public double Length { get; private set; }

    /// <summary>Mean half width of the vertices.</summary>
    public double MeanHalfWidth => _halfWidth.Average();

    /// <summary>Vertex count of the main polyline.</summary>
    public int PointCount => _x.Length;

    /// <summary>Vertex <paramref name="i"/> of the main polyline.</summary>
    public (double X, double Y) Point(int i) => (_x[i], _y[i]);

    /// <summary>Adds a side stroke whose distance is merged into this one.</summary>
    public void AddBranch(Stroke branch)
    {
        _branches.Add(branch);
        Bounds = Bounds.Union(branch.Bounds);
        Length += branch.Length;
    }

    /// <summary>Signed distance to the stroke's outline (negative inside); exact within <see cref="ExactRange"/> of the stroke, a lower bound beyond.</summary>
    public double Distance(double x, double y)
    {
        var outside = Math.Max(Math.Max(Bounds.X0 - x, x - Bounds.X1), Math.Max(Bounds.Y0 - y, y - Bounds.Y1));
        if (outside > ExactRange) return outside;
        var best = double.PositiveInfinity;
        for (var i = 1; i < _x.Length; i++)
        {
            var d = Shapes.Segment(x, y, _x[i - 1], _y[i - 1], _x[i], _y[i], out var t);
            d -= _halfWidth[i - 1] + t * (_halfWidth[i] - _halfWidth[i - 1]);
            if (d < best) best = d;
        }
        foreach (var b in _branches) best = Math.Min(best, b.Distance(x, y));
        return best;
    }

    /// <summary>A smooth curve through a quadratic Bezier from <paramref name="a"/> via <paramref name="control"/> to <paramref name="b"/>, sampled into <paramref name="segments"/> segments, with ends tapered to <paramref name="taper"/> times the half width.</summary>
    public static Stroke Curve((double X, double Y) a, (double X, double Y) control, (double X, double Y) b, double halfWidth, int segments, double taper)
    {
        var points = new List<(double, double)>(segments + 1);
        var widths = new List<double>(segments + 1);
        for (var i = 0; i <= segments; i++)
        {
            var t = (double)i / segments;
            var u = 1.0 - t;
            points.Add((u * u * a.X + 2 * u * t * control.X + t * t * b.X, u * u * a.Y + 2 * u * t * control.Y + t * t * b.Y));
            var edge = Math.Min(t, 1.0 - t) * 2.0;
            widths.Add(halfWidth * (taper + (1.0 - taper) * Math.Sqrt(edge)));
        }
        return new Stroke(points, widths);
    }

    private static double Sq(double v) => v * v;
}
