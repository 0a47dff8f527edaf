using DaClip.MLNet.Training.Synthetic.Rendering;

namespace DaClip.MLNet.Training.Synthetic.Defects;

/// <summary>Foreign matter on the surface: either a cluster of small particles or a single curly fibre, in a colour that stands out from the surface.</summary>
internal sealed class ContaminationDefect : Defect
{
    private static readonly Rgb[] DarkMatter = [new(0.08, 0.07, 0.06), new(0.4, 0.18, 0.07), new(0.12, 0.12, 0.2)];
    private static readonly Rgb[] LightMatter = [new(0.93, 0.92, 0.86), new(0.85, 0.78, 0.45), new(0.8, 0.82, 0.85)];

    private readonly Blob[] _particles = [];
    private readonly Rgb[] _colours;
    private readonly Stroke? _fibre;
    private readonly Bounds _bounds;
    private readonly double _area;

    public ContaminationDefect(Scene scene, SyntheticRandom rng)
    {
        var scale = scene.DefectScale;
        var (cx, cy) = scene.PointOnProduct(rng, 0.02 * scale);
        var palette = scene.Sample(cx, cy, out _).Luma > 0.45 ? DarkMatter : LightMatter;
        if (rng.Chance(0.55))
        {
            var spread = rng.Uniform(0.015, 0.04) * scale;
            var count = 3 + rng.Next(6);
            _particles = new Blob[count];
            _colours = new Rgb[count];
            for (var i = 0; i < count; i++)
            {
                var radius = Math.Max(0.7 * scene.Pixel, rng.Uniform(0.005, 0.013) * Math.Max(scale, 0.7));
                _particles[i] = new Blob(rng, cx + spread * rng.Normal(), cy + spread * rng.Normal(), radius, 0.3, 2, 5);
                _colours[i] = palette[rng.Next(palette.Length)].Jitter(rng, 0.05);
                _area += Math.PI * radius * radius;
            }
            _bounds = _particles.Select(p => p.Bounds).Aggregate((a, b) => a.Union(b));
        }
        else
        {
            var length = rng.Uniform(0.12, 0.25) * scale;
            var heading = rng.Angle();
            var curl = rng.Uniform(2.0, 5.0) / length;
            var halfWidth = LineHalfWidth(scene, rng.Uniform(0.0015, 0.0028));
            var points = new List<(double X, double Y)>();
            var (x, y) = (cx, cy);
            const int Steps = 24;
            for (var i = 0; i <= Steps; i++)
            {
                points.Add((x, y));
                heading += curl * (length / Steps) * Math.Sin(3.0 * i / Steps + rng.Uniform(-0.6, 0.6));
                x += length / Steps * Math.Cos(heading);
                y += length / Steps * Math.Sin(heading);
            }
            _fibre = new Stroke(points, Enumerable.Repeat(halfWidth, points.Count).ToList());
            _colours = [palette[rng.Next(palette.Length)]];
            _bounds = _fibre.Bounds;
            _area = 2.0 * halfWidth * length;
        }
    }

    public override Bounds Bounds => _bounds;

    public override double NominalArea => _area;

    public override Rgb Apply(Scene scene, double x, double y, Rgb normal, double coverage)
    {
        if (coverage <= 0.0) return normal;
        if (_fibre is not null)
            return Rgb.Lerp(normal, _colours[0], 0.92 * coverage * Cover(scene, _fibre.Distance(x, y)));
        var colour = normal;
        for (var i = 0; i < _particles.Length; i++)
        {
            if (!_particles[i].Bounds.Inflate(scene.Pixel).Contains(x, y)) continue;
            colour = Rgb.Lerp(colour, _colours[i], 0.92 * coverage * Cover(scene, _particles[i].Distance(x, y)));
        }
        return colour;
    }
}
