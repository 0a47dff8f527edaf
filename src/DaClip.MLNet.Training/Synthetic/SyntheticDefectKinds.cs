namespace DaClip.MLNet.Training.Synthetic;

/// <summary>Names of the synthetic defect kinds.</summary>
public static class SyntheticDefectKinds
{
    /// <summary>Every defect kind, in enum order.</summary>
    public static IReadOnlyList<SyntheticDefectKind> All { get; } = Enum.GetValues<SyntheticDefectKind>();

    /// <summary>The MVTec-style defect folder name: lower snake case, e.g. <c>missing_piece</c>.</summary>
    public static string FolderName(this SyntheticDefectKind kind) => kind switch
    {
        SyntheticDefectKind.Scratch => "scratch",
        SyntheticDefectKind.Crack => "crack",
        SyntheticDefectKind.Hole => "hole",
        SyntheticDefectKind.Stain => "stain",
        SyntheticDefectKind.MissingPiece => "missing_piece",
        SyntheticDefectKind.Contamination => "contamination",
        SyntheticDefectKind.Bent => "bent",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a defined SyntheticDefectKind value."),
    };

    /// <summary>The defect kind whose <see cref="FolderName"/> is <paramref name="name"/> (case-insensitive).</summary>
    /// <exception cref="DaClipException">No kind has that name; the message lists the valid ones.</exception>
    public static SyntheticDefectKind Parse(string name)
    {
        foreach (var k in All)
            if (string.Equals(k.FolderName(), name.Trim(), StringComparison.OrdinalIgnoreCase)) return k;
        throw new DaClipException($"Unknown synthetic defect kind '{name}'. Use one of: {string.Join(", ", All.Select(k => k.FolderName()))}.");
    }
}
