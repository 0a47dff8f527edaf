using DaClip.MLNet.Training.Synthetic.Rendering;

namespace DaClip.MLNet.Training.Synthetic.Defects;

/// <summary>A straight clean cut: a narrow dark slit with a thin bright lip along one side.</summary>
internal sealed class CutDefect : Defect
{
    private readonly double _ax, _ay, _bx, _by, _halfWidth;
    private readonly Bounds _bounds;

    public CutDefect(Scene scene, SyntheticRandom rng)
    {
        var scale = scene.DefectScale;
        var (mx, my) = scene.PointOnProduct(rng, 0.04 * scale);
        var length = rng.Uniform(0.12, 0.28) * scale;
        var angle = rng.Angle();
        var (dx, dy) = (Math.Cos(angle) * 0.5 * length, Math.Sin(angle) * 0.5 * length);
        (_ax, _ay, _bx, _by) = (mx - dx, my - dy, mx + dx, my + dy);
        _halfWidth = LineHalfWidth(scene, rng.Uniform(0.006, 0.011));
        var pad = 2.0 * _halfWidth;
        _bounds = new Bounds(Math.Min(_ax, _bx) - pad, Math.Min(_ay, _by) - pad, Math.Max(_ax, _bx) + pad, Math.Max(_ay, _by) + pad);
    }

    public override Bounds Bounds => _bounds;

    public override double NominalArea => 2.0 * _halfWidth * Math.Sqrt((_bx - _ax) * (_bx - _ax) + (_by - _ay) * (_by - _ay));

    public override Rgb Apply(Scene scene, double x, double y, Rgb normal, double coverage)
    {
        var d = Shapes.Segment(x, y, _ax, _ay, _bx, _by, out _);
        var slit = Cover(scene, d - _halfWidth) * coverage;
        var lip = Cover(scene, d - 1.8 * _halfWidth) * coverage - slit;
        if (slit <= 0.0 && lip <= 0.0) return normal;
        var c = Rgb.Lerp(normal, Rgb.Lerp(normal, Rgb.Grey(0.95), 0.5), Math.Max(0.0, lip));
        return Rgb.Lerp(c, normal * 0.12, slit);
    }
}
