using DaClip.MLNet.Training.Synthetic.Rendering;

namespace DaClip.MLNet.Training.Synthetic.Defects;

/// <summary>A hole or poke: an irregular dark cavity lit on its far wall, ringed by a darkened, frayed edge.</summary>
internal sealed class HoleDefect : Defect
{
    private static readonly Rgb Void = new(0.035, 0.03, 0.03);
    private readonly Blob _blob;
    private readonly double _rim, _lightX, _lightY;

    public HoleDefect(Scene scene, SyntheticRandom rng)
    {
        var scale = scene.DefectScale;
        var radius = rng.Uniform(0.028, 0.055) * scale;
        var (cx, cy) = scene.PointOnProduct(rng, 1.3 * radius);
        _blob = new Blob(rng, cx, cy, radius, scene.IsTexture ? 0.2 : 0.08, 2, 7);
        _rim = Math.Max(1.2 * scene.Pixel, 0.22 * radius);
        var light = rng.Angle();
        (_lightX, _lightY) = (Math.Cos(light), Math.Sin(light));
    }

    public override Bounds Bounds => _blob.Bounds.Inflate(_rim);

    public override double NominalArea => Math.PI * _blob.Radius * _blob.Radius;

    public override Rgb Apply(Scene scene, double x, double y, Rgb normal, double coverage)
    {
        if (coverage <= 0.0) return normal;
        var d = _blob.Distance(x, y);
        var rim = Cover(scene, d - _rim);
        if (rim <= 0.0) return normal;
        var colour = Rgb.Lerp(normal, normal * 0.6, rim * coverage);
        var inside = Cover(scene, d);
        if (inside <= 0.0) return colour;
        var depth = Shapes.SmoothStep(0.0, 0.45, -d / _blob.Radius);
        var wall = 0.5 + 0.5 * ((x - _blob.CenterX) * _lightX + (y - _blob.CenterY) * _lightY) / _blob.Radius;
        var cavity = Rgb.Lerp(normal * (0.25 + 0.2 * wall), Void, depth);
        return Rgb.Lerp(colour, cavity, inside * coverage);
    }
}
