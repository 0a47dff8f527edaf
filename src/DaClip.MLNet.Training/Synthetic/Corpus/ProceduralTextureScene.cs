using DaClip.MLNet.Training.Synthetic.Rendering;

namespace DaClip.MLNet.Training.Synthetic.Corpus;

/// <summary>
/// A procedural surface (<see cref="TexturePattern"/>) of a given colour filling the image, at a random scale and
/// orientation, with cloudy shading and sensor grain.
/// </summary>
internal sealed class ProceduralTextureScene : Scene
{
    private readonly TexturePattern _pattern;
    private readonly Rgb _colour, _accent;
    private readonly double _scale, _rotCos, _rotSin;
    private readonly ulong _cloudSeed, _detailSeed, _grainSeed;

    public ProceduralTextureScene(TexturePattern pattern, Rgb colour, SyntheticRandom rng, double pixel, bool antiAlias) : base(pixel, antiAlias)
    {
        _pattern = pattern;
        _colour = colour.Jitter(rng, 0.05);
        _accent = colour.Luma > 0.45 ? _colour * 0.45 : Rgb.Lerp(_colour, Rgb.Grey(0.85), 0.6);
        _scale = rng.Uniform(0.8, 1.25);
        var rotation = pattern is TexturePattern.Tiles or TexturePattern.Brick or TexturePattern.Mesh
            ? rng.Uniform(-0.15, 0.15) + (rng.Chance(0.5) ? 0.0 : Math.PI / 2.0)
            : rng.Angle();
        _rotCos = Math.Cos(rotation);
        _rotSin = Math.Sin(rotation);
        _cloudSeed = rng.NextUInt64();
        _detailSeed = rng.NextUInt64();
        _grainSeed = rng.NextUInt64();
    }

    public override bool IsTexture => true;

    public override Rgb Background(double x, double y) => _colour;

    public override double Distance(double x, double y) => -1.0;

    public override Rgb Surface(double x, double y, out double coverage)
    {
        coverage = 1.0;
        var (u, v) = Shapes.Rotate(x - 0.5, y - 0.5, _rotCos, _rotSin);
        u = u * _scale + 0.5;
        v = v * _scale + 0.5;
        var cloud = 0.9 + 0.2 * Noise.Fbm(_cloudSeed, x * 3.0, y * 3.0, 3);
        var grain = 1.0 + 0.04 * Grain(_grainSeed, x, y);
        return Pattern(u, v) * (cloud * grain);
    }

    private Rgb Pattern(double u, double v)
    {
        switch (_pattern)
        {
            case TexturePattern.Tiles:
                {
                    const double Period = 5.0;
                    var grout = Math.Max(Band(u * Period, 0.0, 0.08, 0.06), Band(v * Period, 0.0, 0.08, 0.06));
                    var tile = 0.94 + 0.12 * Noise.Hash01(_detailSeed, (long)Math.Floor(u * Period), (long)Math.Floor(v * Period));
                    return Rgb.Lerp(_colour * tile, _accent, grout);
                }
            case TexturePattern.Brick:
                {
                    const double Rows = 7.0;
                    var row = Math.Floor(v * Rows);
                    var shift = row % 2.0 == 0.0 ? 0.0 : 0.5;
                    var mortar = Math.Max(Band(v * Rows, 0.0, 0.1, 0.08), Band(u * Rows * 0.5 + shift, 0.0, 0.05, 0.04));
                    var brick = 0.88 + 0.2 * Noise.Hash01(_detailSeed, (long)Math.Floor(u * Rows * 0.5 + shift), (long)row);
                    return Rgb.Lerp(_colour * brick, Rgb.Grey(0.78), mortar);
                }
            case TexturePattern.Leather:
                {
                    var cells = Noise.Value(_detailSeed, u * 28.0, v * 28.0);
                    var crease = Shapes.SmoothStep(0.46, 0.5, Noise.Fbm(_detailSeed + 7, u * 6.0, v * 6.0, 3)) * (1.0 - Shapes.SmoothStep(0.5, 0.54, Noise.Fbm(_detailSeed + 7, u * 6.0, v * 6.0, 3)));
                    return _colour * (0.85 + Detail(28.0) * 0.25 * cells - 0.25 * crease);
                }
            case TexturePattern.BrushedMetal:
                {
                    var streak = Noise.Value(_detailSeed, u * 4.0, v * 90.0);
                    return _colour * (0.82 + Detail(90.0) * 0.3 * streak);
                }
            case TexturePattern.Concrete:
                {
                    var mottle = Noise.Fbm(_detailSeed, u * 10.0, v * 10.0, 3);
                    var pore = Shapes.SmoothStep(0.8, 0.86, Noise.Value(_detailSeed + 3, u * 40.0, v * 40.0));
                    return _colour * (0.75 + 0.4 * mottle - 0.35 * pore * Detail(40.0));
                }
            case TexturePattern.Mesh:
                {
                    const double Period = 9.0;
                    var cu = Shapes.Fract(u * Period) - 0.5;
                    var cv = Shapes.Fract(v * Period) - 0.5;
                    var hole = Coverage((Math.Sqrt(cu * cu + cv * cv) - 0.28) / Period);
                    return Rgb.Lerp(_colour, Rgb.Grey(0.06), hole);
                }
            case TexturePattern.Marble:
                {
                    var turbulence = Noise.Fbm(_detailSeed, u * 3.0, v * 3.0, 4);
                    var vein = 1.0 - Shapes.SmoothStep(0.0, 0.12, Math.Abs(Math.Sin((u * 4.0 + 5.0 * turbulence) * Math.PI)));
                    return Rgb.Lerp(_colour, _accent, 0.8 * vein);
                }
            default:
                throw new ArgumentOutOfRangeException(nameof(_pattern), _pattern, "Not a defined TexturePattern value.");
        }
    }
}
