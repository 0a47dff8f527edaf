using DaClip.MLNet.Training.Synthetic.Rendering;

namespace DaClip.MLNet.Training.Synthetic.Scenes;

/// <summary>Basket weave (checker of thread bundles): cells alternate horizontal and vertical bundles of three jute threads, with dark gaps.</summary>
internal sealed class WeaveScene : Scene
{
    private readonly double _cos, _sin, _cell, _offsetX, _offsetY;
    private readonly Rgb _thread, _gap;
    private readonly ulong _cellSeed, _shadeSeed, _grainSeed;

    public WeaveScene(SyntheticRandom rng, double pixel, bool antiAlias) : base(pixel, antiAlias)
    {
        var angle = 0.04 * rng.Normal();
        _cos = Math.Cos(angle);
        _sin = Math.Sin(angle);
        _cell = 0.1 * rng.Uniform(0.95, 1.05);
        _offsetX = rng.NextDouble();
        _offsetY = rng.NextDouble();
        _thread = new Rgb(0.76, 0.62, 0.42).Jitter(rng, 0.04);
        _gap = new Rgb(0.26, 0.19, 0.11).Jitter(rng, 0.05);
        _cellSeed = rng.NextUInt64();
        _shadeSeed = rng.NextUInt64();
        _grainSeed = rng.NextUInt64();
    }

    public override bool IsTexture => true;

    public override Rgb Background(double x, double y) => _gap;

    public override double Distance(double x, double y) => -1.0;

    public override Rgb Surface(double x, double y, out double coverage)
    {
        coverage = 1.0;
        var u = (x * _cos + y * _sin) / _cell + _offsetX;
        var v = (-x * _sin + y * _cos) / _cell + _offsetY;
        var cu = Math.Floor(u);
        var cv = Math.Floor(v);
        var fu = u - cu;
        var fv = v - cv;
        var horizontal = (((long)cu + (long)cv) & 1) == 0;
        var across = horizontal ? fv : fu;
        var along = horizontal ? fu : fv;

        var threadProfile = Math.Sin(Math.PI * Shapes.Fract(across * 3.0));
        var threadShade = 1.0 - Detail(3.0 / _cell) * 0.35 * (1.0 - threadProfile);
        var alongShade = 0.74 + 0.26 * Math.Sin(Math.PI * along);
        var cellTint = 1.0 + 0.08 * (Noise.Hash01(_cellSeed, (long)cu, (long)cv) - 0.5);
        var shade = threadShade * alongShade * cellTint * (1.0 + 0.06 * (2.0 * Noise.Fbm(_shadeSeed, x * 4.0, y * 4.0, 2) - 1.0));
        var colour = _thread * (shade * (1.0 + 0.04 * Grain(_grainSeed, x, y)));

        var edge = Math.Min(Math.Min(fu, 1.0 - fu), Math.Min(fv, 1.0 - fv)) * _cell;
        var gap = Coverage(0.07 * _cell - edge);
        return Rgb.Lerp(colour, _gap, 0.85 * gap);
    }
}
