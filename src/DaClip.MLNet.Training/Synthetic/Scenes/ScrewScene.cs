using DaClip.MLNet.Training.Synthetic.Rendering;

namespace DaClip.MLNet.Training.Synthetic.Scenes;

/// <summary>
/// A steel screw lying in any orientation on a light grey table: rounded head, threaded shaft with serrated edges,
/// pointed tip. Its own geometric defect is a bend of the shaft about a point along it.
/// </summary>
internal sealed class ScrewScene : Scene
{
    private const double HeadLength = 0.075;
    private const double HeadHalfHeight = 0.075;
    private const double ShaftHalfWidth = 0.034;
    private const double TipLength = 0.09;
    private const double Pitch = 0.024;
    private const double ThreadStart = HeadLength + 0.04;

    private readonly double _cx, _cy, _cos, _sin, _length, _specular;
    private readonly Rgb _steel;
    private readonly Tabletop _table;
    private readonly ulong _grainSeed;
    private bool _bent;
    private double _pivot, _bendCos, _bendSin;

    public ScrewScene(SyntheticRandom rng, double pixel, bool antiAlias) : base(pixel, antiAlias)
    {
        _cx = 0.5 + Math.Clamp(0.035 * rng.Normal(), -0.06, 0.06);
        _cy = 0.5 + Math.Clamp(0.035 * rng.Normal(), -0.06, 0.06);
        var angle = rng.Angle();
        _cos = Math.Cos(angle);
        _sin = Math.Sin(angle);
        _length = 0.6 * rng.Uniform(0.97, 1.03);
        var light = -2.2 + 0.2 * rng.Normal();
        _specular = -0.45 * Math.Sin(light - angle);
        _steel = new Rgb(0.56, 0.58, 0.61).Jitter(rng, 0.04);
        _table = new Tabletop(new Rgb(0.74, 0.75, 0.74).Jitter(rng, 0.03), rng.NextUInt64(), vignette: 0.35, cloud: 0.08, shadow: 0.35);
        _grainSeed = rng.NextUInt64();
    }

    public override bool IsTexture => false;

    public override (double X, double Y) Center => (_cx, _cy);

    public override double Extent => 0.5 * _length + 0.01;

    public override double DefectScale => 0.55;

    public override Scene? Deform(SyntheticDefectKind kind, SyntheticRandom rng)
    {
        if (kind != SyntheticDefectKind.Bent) return null;
        var bent = (ScrewScene)MemberwiseClone();
        bent._bent = true;
        bent._pivot = _length * rng.Uniform(0.42, 0.72);
        var bend = rng.Sign() * rng.Uniform(0.25, 0.5);
        bent._bendCos = Math.Cos(-bend);
        bent._bendSin = Math.Sin(-bend);
        return bent;
    }

    public override Rgb Background(double x, double y) => _table.Shade(x, y, Distance(x - 0.01, y - 0.016));

    public override double Distance(double x, double y) => Resolve(x, y, out _, out _);

    public override Rgb Surface(double x, double y, out double coverage)
    {
        var distance = Resolve(x, y, out var u, out var v);
        coverage = Coverage(distance);
        if (coverage <= 0.0) return default;
        return _steel * (Shade(u, v) * (1.0 + 0.03 * Grain(_grainSeed, x, y)));
    }

    /// <summary>Signed distance at a world point, and the unbent screw coordinates (u from the head end, v across) that shade it.</summary>
    private double Resolve(double x, double y, out double u, out double v)
    {
        var (lu, lv) = Shapes.Rotate(x - _cx, y - _cy, _cos, -_sin);
        u = lu + 0.5 * _length;
        v = lv;
        if (!_bent) return Outline(u, v);

        var straight = Math.Max(Outline(u, v), u - _pivot);
        var (ru, rv) = Shapes.Rotate(u - _pivot, v, _bendCos, _bendSin);
        var bentU = ru + _pivot;
        var bentPart = Math.Max(Outline(bentU, rv), _pivot - bentU);
        var knee = Shapes.Circle(u - _pivot, v, ShaftHalfWidth);
        if (bentPart < straight && bentPart < knee)
        {
            u = bentU;
            v = rv;
            return bentPart;
        }
        if (knee < straight) u = _pivot;
        return Math.Min(straight, knee);
    }

    private double Outline(double u, double v)
    {
        var head = Shapes.Box(u - 0.5 * HeadLength, v, 0.5 * HeadLength, HeadHalfHeight, 0.02);
        var shaft = Math.Max(Math.Abs(v) - HalfWidth(u), Math.Max(HeadLength - 0.01 - u, u - _length));
        return Math.Min(head, shaft);
    }

    private double HalfWidth(double u)
    {
        var w = ShaftHalfWidth;
        if (u > ThreadStart) w *= 1.0 + 0.1 * (2.0 * Math.Abs(2.0 * Shapes.Fract(u / Pitch) - 1.0) - 1.0);
        var tipStart = _length - TipLength;
        if (u > tipStart) w *= Math.Max(0.0, (_length - u) / TipLength);
        return w;
    }

    private double Shade(double u, double v)
    {
        if (u < HeadLength)
        {
            var nh = Math.Clamp(v / HeadHalfHeight, -1.0, 1.0);
            var rim = Shapes.SmoothStep(HeadLength - 0.012, HeadLength, u);
            return (0.42 + 0.48 * Math.Sqrt(1.0 - nh * nh) + 0.3 * Math.Exp(-(nh - _specular) * (nh - _specular) / 0.02)) * (1.0 - 0.35 * rim);
        }
        var n = Math.Clamp(v / Math.Max(HalfWidth(u), 1e-4), -1.0, 1.0);
        var shade = 0.35 + 0.55 * Math.Sqrt(1.0 - n * n) + 0.4 * Math.Exp(-(n - _specular) * (n - _specular) / 0.015);
        if (u > ThreadStart)
        {
            var ridge = 0.5 + 0.5 * Math.Sin(2.0 * Math.PI * (u + 0.5 * v) / Pitch);
            shade *= 1.0 - Detail(1.0 / Pitch) * 0.3 * (1.0 - ridge);
        }
        return shade;
    }
}
