using DaClip.MLNet.Training.Synthetic.Rendering;

namespace DaClip.MLNet.Training.Synthetic.Scenes;

/// <summary>A two-colour gelatin capsule (red cap, ivory body with a printed code) lying on paper, with specular shading.</summary>
internal sealed class CapsuleScene : Scene
{
    private const double InkRing = 0.012;
    private readonly double _cx, _cy, _cos, _sin, _halfLength, _radius, _seam;
    private readonly double _lu, _lv, _lz, _hu, _hv, _hz;
    private readonly Rgb _cap, _body, _ink;
    private readonly Tabletop _paper;
    private readonly ulong _grainSeed;

    public CapsuleScene(SyntheticRandom rng, double pixel, bool antiAlias) : base(pixel, antiAlias)
    {
        _cx = 0.5 + Math.Clamp(0.025 * rng.Normal(), -0.05, 0.05);
        _cy = 0.5 + Math.Clamp(0.025 * rng.Normal(), -0.05, 0.05);
        var angle = 0.07 * rng.Normal();
        _cos = Math.Cos(angle);
        _sin = Math.Sin(angle);
        _halfLength = 0.31 * rng.Uniform(0.97, 1.03);
        _radius = 0.115 * rng.Uniform(0.97, 1.03);
        _seam = 0.02 + 0.012 * rng.Normal();
        _cap = new Rgb(0.78, 0.16, 0.14).Jitter(rng, 0.05);
        _body = new Rgb(0.95, 0.93, 0.86).Jitter(rng, 0.02);
        _ink = new Rgb(0.16, 0.16, 0.2).Jitter(rng, 0.05);
        var lightAngle = -2.1 + 0.2 * rng.Normal() - angle;
        var (lu, lv, lz) = (0.6 * Math.Cos(lightAngle), 0.6 * Math.Sin(lightAngle), 0.8);
        (_lu, _lv, _lz) = (lu, lv, lz);
        var hn = Math.Sqrt(lu * lu + lv * lv + (lz + 1.0) * (lz + 1.0));
        (_hu, _hv, _hz) = (lu / hn, lv / hn, (lz + 1.0) / hn);
        _paper = new Tabletop(new Rgb(0.87, 0.87, 0.84).Jitter(rng, 0.03), rng.NextUInt64(), vignette: 0.25, cloud: 0.06, shadow: 0.3);
        _grainSeed = rng.NextUInt64();
    }

    public override bool IsTexture => false;

    public override (double X, double Y) Center => (_cx, _cy);

    public override double Extent => _halfLength;

    public override double DefectScale => 0.8;

    public override Rgb Background(double x, double y) => _paper.Shade(x, y, Outline(x - 0.012, y - 0.02));

    public override double Distance(double x, double y) => Outline(x, y);

    public override Rgb Surface(double x, double y, out double coverage)
    {
        var (u, v) = Local(x, y);
        var straight = _halfLength - _radius;
        var du = Math.Max(Math.Abs(u) - straight, 0.0) * Math.Sign(u);
        var d = Math.Sqrt(du * du + v * v);
        coverage = Coverage(d - _radius);
        if (coverage <= 0.0) return default;

        var nu = du / _radius;
        var nv = v / _radius;
        var nz = Math.Sqrt(Math.Max(0.0, 1.0 - nu * nu - nv * nv));
        var diffuse = Math.Max(0.0, nu * _lu + nv * _lv + nz * _lz);
        var specular = 0.5 * Math.Pow(Math.Max(0.0, nu * _hu + nv * _hv + nz * _hz), 40.0);

        var colour = Rgb.Lerp(_cap, _body, Coverage(_seam - u));
        colour = Rgb.Lerp(colour, colour * 0.55, 0.6 * Coverage(Math.Abs(u - _seam) - 0.0035));
        var printCentre = _seam + 0.5 * (_halfLength - _seam);
        var ring = double.PositiveInfinity;
        for (var k = -1; k <= 1; k++)
            ring = Math.Min(ring, Math.Abs(Shapes.Circle(u - printCentre - 0.036 * k, v, InkRing)) - 0.0035);
        colour = Rgb.Lerp(colour, _ink, 0.85 * Coverage(ring));

        var lit = colour * ((0.3 + 0.7 * diffuse) * (1.0 + 0.015 * Grain(_grainSeed, x, y)));
        return lit + Rgb.Grey(specular);
    }

    private (double U, double V) Local(double x, double y) => Shapes.Rotate(x - _cx, y - _cy, _cos, -_sin);

    private double Outline(double x, double y)
    {
        var (u, v) = Local(x, y);
        var du = Math.Max(Math.Abs(u) - (_halfLength - _radius), 0.0);
        return Math.Sqrt(du * du + v * v) - _radius;
    }
}
