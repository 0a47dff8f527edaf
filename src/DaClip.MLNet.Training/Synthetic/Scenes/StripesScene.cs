using DaClip.MLNet.Training.Synthetic.Rendering;

namespace DaClip.MLNet.Training.Synthetic.Scenes;

/// <summary>Striped textile: navy and cream bands with a thin red pinstripe, a gentle waviness and a fine thread texture.</summary>
internal sealed class StripesScene : Scene
{
    private readonly double _cos, _sin, _period, _phase, _duty, _wave;
    private readonly Rgb _dark, _light, _pin;
    private readonly ulong _waveSeed, _shadeSeed, _grainSeed;

    public StripesScene(SyntheticRandom rng, double pixel, bool antiAlias) : base(pixel, antiAlias)
    {
        var angle = 0.42 + 0.07 * rng.Normal();
        _cos = Math.Cos(angle);
        _sin = Math.Sin(angle);
        _period = 0.085 * rng.Uniform(0.93, 1.07);
        _phase = rng.NextDouble();
        _duty = rng.Uniform(0.44, 0.54);
        _wave = rng.Uniform(0.08, 0.2);
        _dark = new Rgb(0.12, 0.19, 0.42).Jitter(rng, 0.05);
        _light = new Rgb(0.9, 0.86, 0.74).Jitter(rng, 0.03);
        _pin = new Rgb(0.72, 0.2, 0.17).Jitter(rng, 0.05);
        _waveSeed = rng.NextUInt64();
        _shadeSeed = rng.NextUInt64();
        _grainSeed = rng.NextUInt64();
    }

    public override bool IsTexture => true;

    public override Rgb Background(double x, double y) => _light;

    public override double Distance(double x, double y) => -1.0;

    public override Rgb Surface(double x, double y, out double coverage)
    {
        coverage = 1.0;
        var across = x * _cos + y * _sin;
        var along = -x * _sin + y * _cos;
        var u = across / _period + _phase + _wave * (2.0 * Noise.Fbm(_waveSeed, x * 3.0, y * 3.0, 3) - 1.0);
        var soft = Math.Max(Pixel / _period, 0.03);
        var colour = Rgb.Lerp(_light, _dark, Band(u, 0.0, _duty, soft));
        var pinStart = _duty + 0.5 * (1.0 - _duty) - 0.04;
        colour = Rgb.Lerp(colour, _pin, 0.9 * Band(u, pinStart, 0.08, soft));
        const double threads = 110.0;
        var weave = Detail(threads) * 0.07 * Math.Sin(2.0 * Math.PI * threads * along) * Math.Sin(2.0 * Math.PI * threads * 0.5 * across);
        var shade = 1.0 + 0.08 * (2.0 * Noise.Fbm(_shadeSeed, x * 5.0, y * 5.0, 3) - 1.0) + weave + 0.03 * Grain(_grainSeed, x, y);
        return colour * shade;
    }
}
