using DaClip.MLNet.Training.Synthetic.Rendering;

namespace DaClip.MLNet.Training.Synthetic.Defects;

/// <summary>A chunk broken off the product's edge: a jagged bite through which the background shows, with a dark fracture face along its border.</summary>
internal sealed class MissingPieceDefect : Defect
{
    private readonly Blob _bite;
    private readonly double _edge;

    public MissingPieceDefect(Scene scene, SyntheticRandom rng)
    {
        var (bx, by, nx, ny) = scene.PointOnOutline(rng);
        var radius = rng.Uniform(0.07, 0.13) * scene.DefectScale;
        _bite = new Blob(rng, bx + 0.25 * radius * nx, by + 0.25 * radius * ny, radius, 0.3, 3, 9);
        _edge = Math.Max(1.5 * scene.Pixel, 0.12 * radius);
    }

    public override Bounds Bounds => _bite.Bounds.Inflate(_edge);

    public override double NominalArea => 0.4 * Math.PI * _bite.Radius * _bite.Radius;

    public override Rgb Apply(Scene scene, double x, double y, Rgb normal, double coverage)
    {
        if (coverage <= 0.0) return normal;
        var d = _bite.Distance(x, y);
        var fracture = Cover(scene, d - _edge);
        if (fracture <= 0.0) return normal;
        var colour = Rgb.Lerp(normal, normal * 0.55, fracture * coverage);
        var cut = Cover(scene, d);
        return cut <= 0.0 ? colour : Rgb.Lerp(colour, scene.Background(x, y), cut);
    }
}
