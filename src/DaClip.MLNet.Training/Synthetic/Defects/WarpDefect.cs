using DaClip.MLNet.Training.Synthetic.Rendering;

namespace DaClip.MLNet.Training.Synthetic.Defects;

/// <summary>
/// A local geometric distortion: the surface inside a disc is resampled from displaced positions (a smooth bump
/// falling to zero at the rim). On textures it misaligns the pattern; on an object's outline, displaced outward,
/// it pushes the edge in like a dent. The background stays in place. The ground-truth region is where the
/// displacement is at least a pixel and a fifth of the peak, on the product before or after the distortion.
/// </summary>
internal sealed class WarpDefect : Defect
{
    private readonly double _cx, _cy, _radius, _shiftX, _shiftY, _amplitude;

    public WarpDefect(Scene scene, SyntheticRandom rng)
    {
        if (scene.IsTexture)
        {
            (_cx, _cy) = scene.PointOnProduct(rng, 0.15);
            _radius = rng.Uniform(0.09, 0.16);
            _amplitude = rng.Uniform(0.22, 0.35) * _radius;
            var direction = rng.Angle();
            (_shiftX, _shiftY) = (_amplitude * Math.Cos(direction), _amplitude * Math.Sin(direction));
        }
        else
        {
            var (bx, by, nx, ny) = scene.PointOnOutline(rng);
            (_cx, _cy) = (bx, by);
            _radius = rng.Uniform(0.25, 0.4) * scene.Extent * scene.DefectScale;
            _amplitude = rng.Uniform(0.25, 0.4) * _radius;
            (_shiftX, _shiftY) = (_amplitude * nx, _amplitude * ny);
        }
    }

    public override Bounds Bounds => Bounds.Around(_cx, _cy, _radius);

    public override double NominalArea => 0.3 * Math.PI * _radius * _radius;

    public override Rgb Apply(Scene scene, double x, double y, Rgb normal, double coverage)
    {
        var g = Falloff(x, y);
        if (g <= 0.0) return normal;
        var surface = scene.Surface(x + g * _shiftX, y + g * _shiftY, out var moved);
        return moved >= 1.0 ? surface : Rgb.Lerp(scene.Background(x, y), surface, moved);
    }

    public override bool Marks(Scene scene, double x, double y, double coverage)
    {
        var g = Falloff(x, y);
        if (g * _amplitude < Math.Max(scene.Pixel, 0.2 * _amplitude)) return false;
        if (coverage > 0.0) return true;
        scene.Surface(x + g * _shiftX, y + g * _shiftY, out var moved);
        return moved > 0.0;
    }

    /// <summary>The bump (1 - t^2)^3 at relative distance t from the centre, 0 outside the disc.</summary>
    private double Falloff(double x, double y)
    {
        var dx = x - _cx;
        var dy = y - _cy;
        var t2 = (dx * dx + dy * dy) / (_radius * _radius);
        return t2 >= 1.0 ? 0.0 : (1.0 - t2) * (1.0 - t2) * (1.0 - t2);
    }
}
