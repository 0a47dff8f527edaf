using DaClip.MLNet.Training.Synthetic.Rendering;

namespace DaClip.MLNet.Training.Synthetic.Scenes;

/// <summary>Loop-pile carpet: a grey-blue base with cloudy shading, pile loops, fibre grain and sparse light flecks.</summary>
internal sealed class CarpetScene : Scene
{
    private readonly Rgb _base, _fleck;
    private readonly double _loopScale;
    private readonly ulong _cloudSeed, _loopSeed, _fleckSeed, _grainSeed;

    public CarpetScene(SyntheticRandom rng, double pixel, bool antiAlias) : base(pixel, antiAlias)
    {
        _base = new Rgb(0.34, 0.41, 0.47).Jitter(rng, 0.05);
        _fleck = new Rgb(0.8, 0.74, 0.6).Jitter(rng, 0.04);
        _loopScale = 30.0 * rng.Uniform(0.92, 1.08);
        _cloudSeed = rng.NextUInt64();
        _loopSeed = rng.NextUInt64();
        _fleckSeed = rng.NextUInt64();
        _grainSeed = rng.NextUInt64();
    }

    public override bool IsTexture => true;

    public override Rgb Background(double x, double y) => _base;

    public override double Distance(double x, double y) => -1.0;

    public override Rgb Surface(double x, double y, out double coverage)
    {
        coverage = 1.0;
        var cloud = 0.86 + 0.28 * Noise.Fbm(_cloudSeed, x * 4.0, y * 4.0, 3);
        var (rx, ry) = Shapes.Rotate(x, y, 0.8660254, 0.5);
        var pile = 0.5 * (Noise.Value(_loopSeed, x * _loopScale, y * _loopScale) + Noise.Value(_loopSeed + 1, rx * 1.3 * _loopScale, ry * 1.3 * _loopScale));
        var loops = 1.0 + Detail(1.3 * _loopScale) * 0.7 * (pile - 0.5);
        var grain = 1.0 + 0.12 * Grain(_grainSeed, x, y);
        var fleck = Shapes.SmoothStep(0.74, 0.84, Noise.Fbm(_fleckSeed, x * 14.0, y * 14.0, 2));
        return Rgb.Lerp(_base, _fleck, 0.65 * fleck) * (cloud * loops * grain);
    }
}
