using DaClip.MLNet.Training.Synthetic.Rendering;

namespace DaClip.MLNet.Training.Synthetic.Defects;

/// <summary>A thin, slightly curved scratch with tapered ends: bright on dark surfaces, a dark groove on light ones (chosen once per scratch from the surface along it).</summary>
internal sealed class ScratchDefect : Defect
{
    private static readonly Rgb Shine = new(0.95, 0.95, 0.93);
    private readonly Stroke _stroke;
    private readonly double _strength;
    private readonly bool _bright;

    public ScratchDefect(Scene scene, SyntheticRandom rng)
    {
        var scale = scene.DefectScale;
        var (mx, my) = scene.PointOnProduct(rng, 0.02 * scale);
        var length = rng.Uniform(0.16, 0.36) * scale;
        var angle = rng.Angle();
        var (dx, dy) = (Math.Cos(angle) * 0.5 * length, Math.Sin(angle) * 0.5 * length);
        var bow = rng.Uniform(-0.2, 0.2) * length;
        var control = (mx - dy / (0.5 * length) * bow, my + dx / (0.5 * length) * bow);
        var halfWidth = LineHalfWidth(scene, rng.Uniform(0.003, 0.0055) * Math.Max(scale, 0.7));
        _stroke = Stroke.Curve((mx - dx, my - dy), control, (mx + dx, my + dy), halfWidth, 16, 0.35);
        _strength = rng.Uniform(0.75, 1.0);
        var luma = 0.0;
        for (var i = 0; i < _stroke.PointCount; i++)
        {
            var (px, py) = _stroke.Point(i);
            luma += scene.Sample(px, py, out _).Luma;
        }
        _bright = luma / _stroke.PointCount < 0.45;
    }

    public override Bounds Bounds => _stroke.Bounds;

    public override double NominalArea => 2.0 * _stroke.MeanHalfWidth * _stroke.Length;

    public override Rgb Apply(Scene scene, double x, double y, Rgb normal, double coverage)
    {
        var c = Cover(scene, _stroke.Distance(x, y)) * coverage;
        if (c <= 0.0) return normal;
        var effect = _bright ? Rgb.Lerp(normal, Shine, 0.6) : normal * 0.3;
        return Rgb.Lerp(normal, effect, c * _strength);
    }
}
