using DaClip.MLNet.Training.Synthetic.Rendering;

namespace DaClip.MLNet.Training.Synthetic.Defects;

/// <summary>
/// One placed defect: a function from the defect-free composite colour at a point to the defective one, non-zero
/// only inside <see cref="Bounds"/>. Painters restrict themselves to the product (surface coverage) so that defects
/// on objects stay on the object.
/// </summary>
internal abstract class Defect
{
    /// <summary>Rectangle outside which the defect changes nothing.</summary>
    public abstract Bounds Bounds { get; }

    /// <summary>Area (normalised units squared) the defect is meant to change; a placement that visibly changes less than a quarter of it is redrawn.</summary>
    public abstract double NominalArea { get; }

    /// <summary>The defective composite colour at (<paramref name="x"/>, <paramref name="y"/>), given the defect-free composite <paramref name="normal"/> and the product's coverage there.</summary>
    public abstract Rgb Apply(Scene scene, double x, double y, Rgb normal, double coverage);

    /// <summary>
    /// Smallest per-channel change (8-bit levels) the defect makes; smaller changes are not made. The default hides
    /// changes too faint to see, so the mask holds only visible change; a defect whose change fades out smoothly
    /// over a wide area (a moved shadow) uses 1, so that no visible step appears where the fade crosses the threshold.
    /// </summary>
    public virtual int ChangeThreshold => 6;

    /// <summary>
    /// Whether a pixel the defect left (visibly) unchanged still belongs to its ground-truth region. False by default:
    /// the mask is exactly the changed pixels. A pattern distortion overrides it to mark the whole distorted area,
    /// whose unchanged pixels (e.g. inside a uniform stripe) would otherwise split the region into fragments.
    /// </summary>
    public virtual bool Marks(Scene scene, double x, double y, double coverage) => false;

    /// <summary>Coverage of a distance field at the scene's resolution.</summary>
    protected static double Cover(Scene scene, double distance) => Shapes.Coverage(distance, scene.Pixel, scene.AntiAlias);

    /// <summary>A stroke half width of <paramref name="normalised"/> image units, but never thinner than a visible line at the scene's resolution.</summary>
    protected static double LineHalfWidth(Scene scene, double normalised) => Math.Max(normalised, 0.6 * scene.Pixel);
}
