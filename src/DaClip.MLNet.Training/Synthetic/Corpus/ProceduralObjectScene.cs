using DaClip.MLNet.Training.Synthetic.Rendering;

namespace DaClip.MLNet.Training.Synthetic.Corpus;

/// <summary>
/// A flat procedural object (<see cref="ObjectShape"/>) of a given colour seen from above on a random tabletop,
/// at a random place, scale and rotation, lit from one side, casting a soft shadow.
/// </summary>
internal sealed class ProceduralObjectScene : Scene
{
    private readonly ObjectShape _shape;
    private readonly double _cx, _cy, _size, _rotCos, _rotSin, _light;
    private readonly Rgb _colour;
    private readonly Tabletop _table;
    private readonly ulong _grainSeed;

    public ProceduralObjectScene(ObjectShape shape, Rgb colour, SyntheticRandom rng, double pixel, bool antiAlias) : base(pixel, antiAlias)
    {
        _shape = shape;
        _size = rng.Uniform(0.2, 0.3);
        var travel = Math.Max(0.0, 0.42 - _size * 1.25);
        _cx = 0.5 + rng.Uniform(-travel, travel);
        _cy = 0.5 + rng.Uniform(-travel, travel);
        var rotation = rng.Angle();
        _rotCos = Math.Cos(-rotation);
        _rotSin = Math.Sin(-rotation);
        _light = rng.Angle();
        _colour = colour.Jitter(rng, 0.05);
        var tableLuma = colour.Luma > 0.45 ? rng.Uniform(0.1, 0.3) : rng.Uniform(0.55, 0.8);
        _table = new Tabletop(Rgb.Grey(tableLuma).Jitter(rng, 0.12), rng.NextUInt64(), vignette: 0.5, cloud: 0.15, shadow: 0.45);
        _grainSeed = rng.NextUInt64();
    }

    public override bool IsTexture => false;

    public override (double X, double Y) Center => (_cx, _cy);

    public override double Extent => _size * (_shape is ObjectShape.Plate or ObjectShape.Bracket ? 1.45 : 1.15);

    public override double DefectScale => 0.8;

    public override Rgb Background(double x, double y) => _table.Shade(x, y, Outline(x - 0.014, y - 0.02));

    public override double Distance(double x, double y) => Outline(x, y);

    public override Rgb Surface(double x, double y, out double coverage)
    {
        var d = Outline(x, y);
        coverage = Coverage(d);
        if (coverage <= 0.0) return default;
        var (u, v) = Local(x, y);
        var angle = Math.Atan2(v, u);
        var toLight = Math.Cos(angle - _light);
        var rim = Shapes.SmoothStep(-0.025, 0.0, d);
        var shade = 0.85 + 0.1 * toLight * Math.Min(1.0, Math.Sqrt(u * u + v * v) / _size) - 0.25 * rim * (0.5 - 0.5 * toLight);
        shade += Detail(1.0) * Feature(u, v);
        return _colour * (shade * (1.0 + 0.035 * Grain(_grainSeed, x, y)));
    }

    /// <summary>Shading of the shape's own surface features (score line, cap ridges), added to the base shade.</summary>
    private double Feature(double u, double v)
    {
        var r = Math.Sqrt(u * u + v * v);
        return _shape switch
        {
            ObjectShape.Tablet => -0.3 * (1.0 - Shapes.SmoothStep(0.0, 0.012, Math.Abs(v))) * (r < 0.85 * _size ? 1.0 : 0.0),
            ObjectShape.BottleCap => -0.15 * (1.0 - Shapes.SmoothStep(0.0, 0.01, Math.Abs(r - 0.75 * _size))),
            ObjectShape.Button => -0.12 * (1.0 - Shapes.SmoothStep(0.0, 0.012, Math.Abs(r - 0.8 * _size))),
            ObjectShape.Gear => -0.1 * (1.0 - Shapes.SmoothStep(0.0, 0.01, Math.Abs(r - 0.55 * _size))),
            _ => 0.0,
        };
    }

    private (double U, double V) Local(double x, double y) => Shapes.Rotate(x - _cx, y - _cy, _rotCos, _rotSin);

    private double Outline(double x, double y)
    {
        var (u, v) = Local(x, y);
        var r = Math.Sqrt(u * u + v * v);
        var a = Math.Atan2(v, u);
        var s = _size;
        switch (_shape)
        {
            case ObjectShape.Washer:
                return Math.Max(r - s, 0.5 * s - r);
            case ObjectShape.ORing:
                return Math.Abs(r - 0.85 * s) - 0.12 * s;
            case ObjectShape.Gear:
                {
                    var tooth = Math.Clamp(3.0 * Math.Cos(10.0 * a), -1.0, 1.0);
                    return Math.Max(r - (0.88 * s + 0.12 * s * tooth), 0.3 * s - r);
                }
            case ObjectShape.BottleCap:
                return r - (s + 0.02 * s * Math.Cos(28.0 * a));
            case ObjectShape.Button:
                {
                    var d = r - s;
                    var h = 0.22 * s;
                    var holes = Math.Min(Math.Min(Shapes.Circle(u - h, v - h, 0.09 * s), Shapes.Circle(u + h, v - h, 0.09 * s)),
                        Math.Min(Shapes.Circle(u - h, v + h, 0.09 * s), Shapes.Circle(u + h, v + h, 0.09 * s)));
                    return Math.Max(d, -holes);
                }
            case ObjectShape.Plate:
                {
                    var d = Shapes.Box(u, v, 1.3 * s, 0.85 * s, 0.15 * s);
                    var hx = 1.0 * s;
                    var hy = 0.55 * s;
                    var holes = Math.Min(Math.Min(Shapes.Circle(u - hx, v - hy, 0.12 * s), Shapes.Circle(u + hx, v - hy, 0.12 * s)),
                        Math.Min(Shapes.Circle(u - hx, v + hy, 0.12 * s), Shapes.Circle(u + hx, v + hy, 0.12 * s)));
                    return Math.Max(d, -holes);
                }
            case ObjectShape.Tablet:
                return r - s;
            case ObjectShape.Bracket:
                {
                    var arm1 = Shapes.Box(u + 0.25 * s, v - 0.9 * s, 1.05 * s, 0.3 * s, 0.05 * s);
                    var arm2 = Shapes.Box(u - 0.5 * s, v + 0.25 * s, 0.3 * s, 1.05 * s, 0.05 * s);
                    var holes = Math.Min(Shapes.Circle(u + 0.6 * s, v - 0.9 * s, 0.13 * s), Shapes.Circle(u - 0.5 * s, v + 0.6 * s, 0.13 * s));
                    return Math.Max(Math.Min(arm1, arm2), -holes);
                }
            case ObjectShape.Knob:
                return Math.Max(r - (0.8 * s + 0.22 * s * Math.Cos(5.0 * a)), 0.12 * s - r) * 0.8;
            default:
                throw new ArgumentOutOfRangeException(nameof(_shape), _shape, "Not a defined ObjectShape value.");
        }
    }
}
