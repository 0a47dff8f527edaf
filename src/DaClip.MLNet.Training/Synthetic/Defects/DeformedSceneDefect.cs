using DaClip.MLNet.Training.Synthetic.Rendering;

namespace DaClip.MLNet.Training.Synthetic.Defects;

/// <summary>
/// A defect a category models itself (bent screw, misplaced or missing part): the defective image is the deformed
/// scene. Its soft shadow moves with it, so every changed pixel counts (threshold 1).
/// </summary>
internal sealed class DeformedSceneDefect(Scene deformed) : Defect
{
    public override int ChangeThreshold => 1;

    public override Bounds Bounds => Bounds.Image;

    public override double NominalArea => 0.002;

    public override Rgb Apply(Scene scene, double x, double y, Rgb normal, double coverage) => deformed.Sample(x, y, out _);
}
