using DaClip.MLNet.Training.Synthetic.Rendering;

namespace DaClip.MLNet.Training.Synthetic.Scenes;

/// <summary>Planed wood: roughly horizontal growth rings distorted by noise, dark latewood bands, fibres and pores.</summary>
internal sealed class WoodScene : Scene
{
    private readonly double _cos, _sin, _rings, _phase, _bend;
    private readonly Rgb _early, _late;
    private readonly ulong _ringSeed, _fibreSeed, _shadeSeed, _grainSeed;

    public WoodScene(SyntheticRandom rng, double pixel, bool antiAlias) : base(pixel, antiAlias)
    {
        var angle = 0.05 * rng.Normal();
        _cos = Math.Cos(angle);
        _sin = Math.Sin(angle);
        _rings = rng.Uniform(6.5, 9.5);
        _phase = rng.NextDouble();
        _bend = rng.Uniform(0.8, 1.4);
        _early = new Rgb(0.8, 0.62, 0.42).Jitter(rng, 0.04);
        _late = new Rgb(0.52, 0.33, 0.18).Jitter(rng, 0.05);
        _ringSeed = rng.NextUInt64();
        _fibreSeed = rng.NextUInt64();
        _shadeSeed = rng.NextUInt64();
        _grainSeed = rng.NextUInt64();
    }

    public override bool IsTexture => true;

    public override Rgb Background(double x, double y) => _early;

    public override double Distance(double x, double y) => -1.0;

    public override Rgb Surface(double x, double y, out double coverage)
    {
        coverage = 1.0;
        var u = x * _cos + y * _sin;
        var v = -x * _sin + y * _cos;
        var w = v * _rings + _bend * Noise.Fbm(_ringSeed, u * 1.3, v * 3.5, 4) + _phase;
        var r = Shapes.Fract(w);
        var latewood = Shapes.SmoothStep(0.5, 0.82, r) * (1.0 - Shapes.SmoothStep(0.9, 1.0, r));
        var colour = Rgb.Lerp(_early, _late, 0.8 * latewood);
        const double fibres = 90.0;
        var fibre = 1.0 + Detail(fibres) * 0.14 * (Noise.Value(_fibreSeed, u * 6.0, v * fibres) - 0.5);
        var shade = 0.93 + 0.14 * Noise.Fbm(_shadeSeed, x * 2.0, y * 2.0, 2);
        return colour * (fibre * shade * (1.0 + 0.035 * Grain(_grainSeed, x, y)));
    }
}
