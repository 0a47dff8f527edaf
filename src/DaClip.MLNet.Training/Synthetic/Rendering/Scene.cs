namespace DaClip.MLNet.Training.Synthetic.Rendering;

/// <summary>
/// One defect-free product image as a continuous picture over normalised coordinates ([0, 1]^2 spans the image,
/// y down): a background, and a surface (the product, or the whole texture) with its coverage. Scenes are
/// immutable; geometric defects that a category models itself (a bent screw, a misplaced chip) come back from
/// <see cref="Deform"/> as a new scene.
/// </summary>
internal abstract class Scene(double pixel, bool antiAlias)
{
    /// <summary>Size of one pixel in normalised units (1 / image size).</summary>
    public double Pixel { get; } = pixel;

    /// <summary>Whether edges get coverage ramps (else hard steps).</summary>
    public bool AntiAlias { get; } = antiAlias;

    /// <summary>Texture scenes cover the whole image; object scenes have an outline and a background.</summary>
    public abstract bool IsTexture { get; }

    /// <summary>Centre of the product (textures: the image centre).</summary>
    public virtual (double X, double Y) Center => (0.5, 0.5);

    /// <summary>Radius of a circle around <see cref="Center"/> that holds the product.</summary>
    public virtual double Extent => 0.5;

    /// <summary>Typical feature size that scales defect sizes (1 for textures and large objects, less for slim ones).</summary>
    public virtual double DefectScale => 1.0;

    /// <summary>Background colour (only seen where the surface coverage is below 1).</summary>
    public abstract Rgb Background(double x, double y);

    /// <summary>Surface colour and its coverage in [0, 1]; the colour is meaningless where the coverage is 0.</summary>
    public abstract Rgb Surface(double x, double y, out double coverage);

    /// <summary>Signed distance to the product's outline, negative on the product (textures: always inside).</summary>
    public abstract double Distance(double x, double y);

    /// <summary>A category-specific geometric variant of this scene showing <paramref name="kind"/>, or null when the generic defect painter applies.</summary>
    public virtual Scene? Deform(SyntheticDefectKind kind, SyntheticRandom rng) => null;

    /// <summary>The composite colour: surface over background.</summary>
    public Rgb Sample(double x, double y, out double coverage)
    {
        var s = Surface(x, y, out coverage);
        return coverage >= 1.0 ? s : Rgb.Lerp(Background(x, y), s, coverage);
    }

    /// <summary>A random point on the product at least <paramref name="margin"/> inside its outline when possible (textures: away from the image border).</summary>
    public (double X, double Y) PointOnProduct(SyntheticRandom rng, double margin)
    {
        if (IsTexture)
        {
            var m = Math.Clamp(margin, 0.08, 0.3);
            return (rng.Uniform(m, 1.0 - m), rng.Uniform(m, 1.0 - m));
        }
        var (cx, cy) = Center;
        for (var attempt = 0; attempt < 256; attempt++)
        {
            var need = attempt < 128 ? margin : attempt < 192 ? margin * 0.5 : 0.0;
            var x = cx + rng.Uniform(-Extent, Extent);
            var y = cy + rng.Uniform(-Extent, Extent);
            if (x is > 0.02 and < 0.98 && y is > 0.02 and < 0.98 && Distance(x, y) <= -need) return (x, y);
        }
        return (cx, cy);
    }

    /// <summary>A point on the product's outer outline in a random direction from its centre, with the outward unit direction.</summary>
    public (double X, double Y, double Nx, double Ny) PointOnOutline(SyntheticRandom rng)
    {
        var (cx, cy) = Center;
        var angle = rng.Angle();
        var dx = Math.Cos(angle);
        var dy = Math.Sin(angle);
        var step = Pixel * 0.25;
        for (var r = Extent * 1.2; r > 0.0; r -= step)
        {
            if (Distance(cx + r * dx, cy + r * dy) <= 0.0) return (cx + r * dx, cy + r * dy, dx, dy);
        }
        return (cx, cy, dx, dy);
    }

    /// <summary>Coverage of the inside of a distance field at this scene's resolution.</summary>
    protected double Coverage(double distance) => Shapes.Coverage(distance, Pixel, AntiAlias);

    /// <summary>Coverage of the periodic band [start, start + width) of a coordinate measured in periods; <paramref name="softness"/> is the ramp width in periods (at least one pixel when anti-aliasing).</summary>
    protected double Band(double u, double start, double width, double softness)
    {
        var t = u - (start + 0.5 * width);
        t -= Math.Floor(t + 0.5);
        var d = Math.Abs(t) - 0.5 * width;
        return AntiAlias ? Math.Clamp(0.5 - d / softness, 0.0, 1.0) : (d < 0.0 ? 1.0 : 0.0);
    }

    /// <summary>Weight in [0, 1] for a pattern of <paramref name="cyclesPerUnit"/> cycles per image width: 1 well below the pixel Nyquist rate, 0 at it, so fine detail fades instead of aliasing at small image sizes.</summary>
    protected double Detail(double cyclesPerUnit) => Math.Clamp(2.0 - 4.0 * cyclesPerUnit * Pixel, 0.0, 1.0);

    /// <summary>Per-pixel grain in [-1, 1) for a seed (white noise at the image's pixel grid).</summary>
    protected double Grain(ulong seed, double x, double y) =>
        2.0 * Noise.Hash01(seed, (long)Math.Floor(x / Pixel), (long)Math.Floor(y / Pixel)) - 1.0;
}
