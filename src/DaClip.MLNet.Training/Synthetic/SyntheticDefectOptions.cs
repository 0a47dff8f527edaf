namespace DaClip.MLNet.Training.Synthetic;

/// <summary>What <see cref="SyntheticDefectGenerator"/> draws: image size, how many images of each kind per class, seed, categories and defect kinds.</summary>
public sealed class SyntheticDefectOptions
{
    /// <summary>Smallest accepted <see cref="ImageSize"/>.</summary>
    public const int MinImageSize = 16;

    /// <summary>Largest accepted <see cref="ImageSize"/>.</summary>
    public const int MaxImageSize = 2048;

    /// <summary>Width and height of every image in pixels (square, like resized MVTec-AD images). Default 128.</summary>
    public int ImageSize { get; set; } = 128;

    /// <summary>Defect-free training images per class (<c>train/good</c>). Default 16.</summary>
    public int TrainGoodPerClass { get; set; } = 16;

    /// <summary>Defect-free test images per class (<c>test/good</c>). Default 8.</summary>
    public int TestGoodPerClass { get; set; } = 8;

    /// <summary>Defective test images per class, spread evenly over the class's defect kinds (earlier kinds get the remainder). Default 16.</summary>
    public int TestAnomalousPerClass { get; set; } = 16;

    /// <summary>Seed of the whole dataset: the same seed and options give byte-identical images. Default 0.</summary>
    public int Seed { get; set; }

    /// <summary>Categories to draw, in output order; null for all of <see cref="SyntheticCategories.All"/>.</summary>
    public IReadOnlyList<SyntheticCategory>? Categories { get; set; }

    /// <summary>Defect kinds to draw; each category draws those of its <see cref="SyntheticCategories.DefectKinds"/> that are listed. Null for all.</summary>
    public IReadOnlyList<SyntheticDefectKind>? DefectKinds { get; set; }

    /// <summary>Anti-aliased edges (a one-pixel coverage ramp, deterministic); false for hard edges. Default true.</summary>
    public bool AntiAliasing { get; set; } = true;

    /// <summary>A copy (lists are copied too).</summary>
    public SyntheticDefectOptions Clone() => new()
    {
        ImageSize = ImageSize,
        TrainGoodPerClass = TrainGoodPerClass,
        TestGoodPerClass = TestGoodPerClass,
        TestAnomalousPerClass = TestAnomalousPerClass,
        Seed = Seed,
        Categories = Categories?.ToArray(),
        DefectKinds = DefectKinds?.ToArray(),
        AntiAliasing = AntiAliasing,
    };
}
