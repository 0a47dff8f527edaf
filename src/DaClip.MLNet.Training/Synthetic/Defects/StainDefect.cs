using DaClip.MLNet.Training.Synthetic.Rendering;

namespace DaClip.MLNet.Training.Synthetic.Defects;

/// <summary>A translucent stain or colour spot with a blotchy interior and a darker drying ring, in a colour that contrasts with the surface.</summary>
internal sealed class StainDefect : Defect
{
    private static readonly Rgb[] Palette =
    [
        new(0.45, 0.28, 0.12), // coffee
        new(0.62, 0.3, 0.1),   // rust
        new(0.15, 0.22, 0.62), // ink
        new(0.16, 0.15, 0.12), // oil
        new(0.72, 0.12, 0.12), // red dye
        new(0.55, 0.62, 0.12), // chemical
        new(0.92, 0.9, 0.8),   // whitish residue
    ];

    private readonly Blob _blob;
    private readonly Rgb _colour;
    private readonly double _alpha;
    private readonly ulong _seed;

    public StainDefect(Scene scene, SyntheticRandom rng)
    {
        var scale = scene.DefectScale;
        var radius = rng.Uniform(0.045, 0.09) * scale;
        var (cx, cy) = scene.PointOnProduct(rng, 0.5 * radius);
        _blob = new Blob(rng, cx, cy, radius, 0.25, 2, 6);
        var local = scene.Sample(cx, cy, out _);
        _colour = Palette[rng.Next(Palette.Length)];
        for (var attempt = 0; attempt < 8 && Rgb.Distance(_colour, local) < 0.4; attempt++)
            _colour = Palette[rng.Next(Palette.Length)];
        _alpha = rng.Uniform(0.5, 0.8);
        _seed = rng.NextUInt64();
    }

    public override Bounds Bounds => _blob.Bounds;

    public override double NominalArea => Math.PI * _blob.Radius * _blob.Radius;

    public override Rgb Apply(Scene scene, double x, double y, Rgb normal, double coverage)
    {
        var d = _blob.Distance(x, y);
        var c = Cover(scene, d) * coverage;
        if (c <= 0.0) return normal;
        var ring = 0.2 * Math.Exp(-(d * d) / (0.02 * _blob.Radius * _blob.Radius));
        var alpha = Math.Min(0.95, _alpha * (0.75 + 0.5 * Noise.Fbm(_seed, x * 30.0, y * 30.0, 2)) + ring);
        var tinted = Rgb.Lerp(normal, _colour * (0.7 + 0.5 * normal.Luma), alpha);
        return Rgb.Lerp(normal, tinted, c);
    }
}
