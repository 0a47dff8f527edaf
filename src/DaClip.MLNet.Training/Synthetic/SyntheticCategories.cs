using DaClip.MLNet.Training.Synthetic.Rendering;
using DaClip.MLNet.Training.Synthetic.Scenes;

namespace DaClip.MLNet.Training.Synthetic;

/// <summary>Names, kinds and allowed defects of the synthetic categories.</summary>
public static class SyntheticCategories
{
    /// <summary>Every category, textures first, in enum order.</summary>
    public static IReadOnlyList<SyntheticCategory> All { get; } = Enum.GetValues<SyntheticCategory>();

    /// <summary>The MVTec-style class folder name: lower case, e.g. <c>stripes</c>, <c>pcb</c>.</summary>
    public static string FolderName(this SyntheticCategory category) => category switch
    {
        SyntheticCategory.Stripes => "stripes",
        SyntheticCategory.Weave => "weave",
        SyntheticCategory.Carpet => "carpet",
        SyntheticCategory.Wood => "wood",
        SyntheticCategory.Nut => "nut",
        SyntheticCategory.Capsule => "capsule",
        SyntheticCategory.Screw => "screw",
        SyntheticCategory.Pcb => "pcb",
        _ => throw Unknown(category),
    };

    /// <summary>A natural-language object name for text prompts, e.g. "striped fabric", "printed circuit board".</summary>
    public static string PromptName(this SyntheticCategory category) => category switch
    {
        SyntheticCategory.Stripes => "striped fabric",
        SyntheticCategory.Weave => "woven fabric",
        SyntheticCategory.Carpet => "carpet",
        SyntheticCategory.Wood => "wood",
        SyntheticCategory.Nut => "metal nut",
        SyntheticCategory.Capsule => "capsule",
        SyntheticCategory.Screw => "screw",
        SyntheticCategory.Pcb => "printed circuit board",
        _ => throw Unknown(category),
    };

    /// <summary>True for the texture categories (the surface fills the image), false for objects on a background.</summary>
    public static bool IsTexture(this SyntheticCategory category) => category switch
    {
        SyntheticCategory.Stripes or SyntheticCategory.Weave or SyntheticCategory.Carpet or SyntheticCategory.Wood => true,
        SyntheticCategory.Nut or SyntheticCategory.Capsule or SyntheticCategory.Screw or SyntheticCategory.Pcb => false,
        _ => throw Unknown(category),
    };

    /// <summary>The defect kinds that make sense for a category, in enum order.</summary>
    public static IReadOnlyList<SyntheticDefectKind> DefectKinds(this SyntheticCategory category) => category switch
    {
        SyntheticCategory.Stripes => [SyntheticDefectKind.Scratch, SyntheticDefectKind.Hole, SyntheticDefectKind.Stain, SyntheticDefectKind.Contamination, SyntheticDefectKind.Bent],
        SyntheticCategory.Weave => [SyntheticDefectKind.Scratch, SyntheticDefectKind.Hole, SyntheticDefectKind.Stain, SyntheticDefectKind.Contamination, SyntheticDefectKind.Bent],
        SyntheticCategory.Carpet => [SyntheticDefectKind.Scratch, SyntheticDefectKind.Hole, SyntheticDefectKind.Stain, SyntheticDefectKind.Contamination],
        SyntheticCategory.Wood => [SyntheticDefectKind.Scratch, SyntheticDefectKind.Crack, SyntheticDefectKind.Hole, SyntheticDefectKind.Stain, SyntheticDefectKind.Contamination],
        SyntheticCategory.Nut => [SyntheticDefectKind.Scratch, SyntheticDefectKind.Stain, SyntheticDefectKind.MissingPiece, SyntheticDefectKind.Contamination, SyntheticDefectKind.Bent],
        SyntheticCategory.Capsule => [SyntheticDefectKind.Crack, SyntheticDefectKind.Hole, SyntheticDefectKind.Stain, SyntheticDefectKind.MissingPiece, SyntheticDefectKind.Contamination],
        SyntheticCategory.Screw => [SyntheticDefectKind.Scratch, SyntheticDefectKind.MissingPiece, SyntheticDefectKind.Contamination, SyntheticDefectKind.Bent],
        SyntheticCategory.Pcb => [SyntheticDefectKind.Scratch, SyntheticDefectKind.Stain, SyntheticDefectKind.MissingPiece, SyntheticDefectKind.Contamination, SyntheticDefectKind.Bent],
        _ => throw Unknown(category),
    };

    /// <summary>The category whose <see cref="FolderName"/> is <paramref name="name"/> (case-insensitive).</summary>
    /// <exception cref="DaClipException">No category has that name; the message lists the valid ones.</exception>
    public static SyntheticCategory Parse(string name)
    {
        foreach (var c in All)
            if (string.Equals(c.FolderName(), name.Trim(), StringComparison.OrdinalIgnoreCase)) return c;
        throw new DaClipException($"Unknown synthetic category '{name}'. Use one of: {string.Join(", ", All.Select(c => c.FolderName()))}.");
    }

    internal static Scene CreateScene(SyntheticCategory category, SyntheticRandom rng, double pixel, bool antiAlias) => category switch
    {
        SyntheticCategory.Stripes => new StripesScene(rng, pixel, antiAlias),
        SyntheticCategory.Weave => new WeaveScene(rng, pixel, antiAlias),
        SyntheticCategory.Carpet => new CarpetScene(rng, pixel, antiAlias),
        SyntheticCategory.Wood => new WoodScene(rng, pixel, antiAlias),
        SyntheticCategory.Nut => new NutScene(rng, pixel, antiAlias),
        SyntheticCategory.Capsule => new CapsuleScene(rng, pixel, antiAlias),
        SyntheticCategory.Screw => new ScrewScene(rng, pixel, antiAlias),
        SyntheticCategory.Pcb => new PcbScene(rng, pixel, antiAlias),
        _ => throw Unknown(category),
    };

    private static ArgumentOutOfRangeException Unknown(SyntheticCategory category) =>
        new(nameof(category), category, "Not a defined SyntheticCategory value.");
}
