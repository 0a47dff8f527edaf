using DaClip.MLNet.Training.Synthetic.Rendering;

namespace DaClip.MLNet.Training.Synthetic.Scenes;

/// <summary>A chamfered steel hex nut seen from above on a dark slate table, lit from one side, casting a soft shadow.</summary>
internal sealed class NutScene : Scene
{
    private readonly double _cx, _cy, _inradius, _bore, _face, _rotCos, _rotSin, _light;
    private readonly Rgb _steel;
    private readonly Tabletop _table;
    private readonly ulong _grainSeed;

    public NutScene(SyntheticRandom rng, double pixel, bool antiAlias) : base(pixel, antiAlias)
    {
        _cx = 0.5 + Math.Clamp(0.03 * rng.Normal(), -0.06, 0.06);
        _cy = 0.5 + Math.Clamp(0.03 * rng.Normal(), -0.06, 0.06);
        _inradius = 0.27 * rng.Uniform(0.96, 1.04);
        _bore = 0.46 * _inradius;
        _face = 0.93 * _inradius;
        var rotation = rng.Uniform(0.0, Math.PI / 3.0);
        _rotCos = Math.Cos(-rotation);
        _rotSin = Math.Sin(-rotation);
        _light = -2.3 + 0.25 * rng.Normal();
        _steel = new Rgb(0.68, 0.68, 0.71).Jitter(rng, 0.04);
        _table = new Tabletop(new Rgb(0.16, 0.17, 0.2).Jitter(rng, 0.06), rng.NextUInt64(), vignette: 0.5, cloud: 0.12, shadow: 0.5);
        _grainSeed = rng.NextUInt64();
    }

    public override bool IsTexture => false;

    public override (double X, double Y) Center => (_cx, _cy);

    public override double Extent => _inradius * 1.1547;

    public override Rgb Background(double x, double y) => _table.Shade(x, y, Outline(x - 0.014, y - 0.022));

    public override double Distance(double x, double y) => Outline(x, y);

    public override Rgb Surface(double x, double y, out double coverage)
    {
        coverage = Coverage(Outline(x, y));
        if (coverage <= 0.0) return default;
        var dx = x - _cx;
        var dy = y - _cy;
        var r = Math.Sqrt(dx * dx + dy * dy);
        var toLight = Math.Cos(Math.Atan2(dy, dx) - _light);
        var faceShade = 0.8 + 0.1 * toLight + Detail(70.0) * 0.05 * Math.Sin(2.0 * Math.PI * 70.0 * r);
        var highlight = 0.22 * Math.Exp(-(1.0 - toLight) * 4.0) * Shapes.SmoothStep(_bore * 1.3, _face, r);
        var chamferShade = 0.55 + 0.3 * Math.Cos(Math.Atan2(dy, dx) - _light + 0.5);
        var shade = chamferShade + (faceShade + highlight - chamferShade) * Coverage(r - _face);
        var wall = Coverage(r - (_bore + 0.028));
        var wallShade = 0.32 - 0.12 * toLight + Detail(1.0 / 0.009) * 0.1 * Math.Sin(2.0 * Math.PI * r / 0.009);
        shade += (wallShade - shade) * wall;
        return _steel * (shade * (1.0 + 0.03 * Grain(_grainSeed, x, y)));
    }

    private double Outline(double x, double y)
    {
        var (u, v) = Shapes.Rotate(x - _cx, y - _cy, _rotCos, _rotSin);
        var r = Math.Sqrt(u * u + v * v);
        return Math.Max(Shapes.Hexagon(u, v, _inradius), _bore - r);
    }
}
