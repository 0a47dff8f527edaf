using DaClip.MLNet.Training.Synthetic.Rendering;

namespace DaClip.MLNet.Training.Synthetic.Defects;

/// <summary>A dark jagged crack: two random-walk arms from a start point, widest there, with one or two side branches.</summary>
internal sealed class CrackDefect : Defect
{
    private readonly Stroke _stroke;

    public CrackDefect(Scene scene, SyntheticRandom rng)
    {
        var scale = scene.DefectScale;
        var start = scene.PointOnProduct(rng, 0.03 * scale);
        var length = rng.Uniform(0.15, 0.3) * scale;
        var width = LineHalfWidth(scene, rng.Uniform(0.0035, 0.006) * Math.Max(scale, 0.7));
        var heading = rng.Angle();
        var arm1 = Walk(rng, start, heading, 0.5 * length, 7);
        var arm2 = Walk(rng, start, heading + Math.PI, 0.5 * length, 7);
        var points = arm2.AsEnumerable().Reverse().Concat(arm1.Skip(1)).ToList();
        var widths = points.Select((_, i) => width * (0.35 + 0.65 * (1.0 - Math.Abs(i - 7) / 7.0))).ToList();
        _stroke = new Stroke(points, widths);
        var branches = 1 + rng.Next(2);
        for (var b = 0; b < branches; b++)
        {
            var at = 2 + rng.Next(points.Count - 4);
            var (px, py) = points[at];
            var (qx, qy) = points[at + 1];
            var direction = Math.Atan2(qy - py, qx - px) + rng.Sign() * rng.Uniform(0.5, 1.1);
            var branch = Walk(rng, points[at], direction, rng.Uniform(0.25, 0.45) * length, 5);
            var w = 0.7 * widths[at];
            _stroke.AddBranch(new Stroke(branch, branch.Select((_, i) => LineHalfWidth(scene, w * (1.0 - 0.6 * i / 5.0))).ToList()));
        }
    }

    public override Bounds Bounds => _stroke.Bounds;

    public override double NominalArea => 2.0 * _stroke.MeanHalfWidth * _stroke.Length;

    public override Rgb Apply(Scene scene, double x, double y, Rgb normal, double coverage)
    {
        var c = Cover(scene, _stroke.Distance(x, y)) * coverage;
        return c <= 0.0 ? normal : Rgb.Lerp(normal, normal * 0.15, 0.92 * c);
    }

    private static List<(double X, double Y)> Walk(SyntheticRandom rng, (double X, double Y) start, double heading, double length, int steps)
    {
        var points = new List<(double X, double Y)>(steps + 1) { start };
        var (x, y) = start;
        var step = length / steps;
        for (var i = 0; i < steps; i++)
        {
            heading += 0.45 * rng.Normal();
            x += step * Math.Cos(heading);
            y += step * Math.Sin(heading);
            points.Add((x, y));
        }
        return points;
    }
}
