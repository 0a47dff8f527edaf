namespace DaClip.MLNet.Training.Synthetic;

/// <summary>
/// Which categories a zero-shot experiment trains on (auxiliary) and which it evaluates on (held out), like
/// training on MVTec-AD and testing on VisA. Both sets mix textures and objects.
/// </summary>
public sealed class SyntheticDefectSplit
{
    /// <summary>Creates a split; the two sets must be non-empty and disjoint, each category listed once.</summary>
    /// <exception cref="DaClipException">A set is empty, lists a category twice, or the sets share a category.</exception>
    public SyntheticDefectSplit(IEnumerable<SyntheticCategory> auxiliary, IEnumerable<SyntheticCategory> heldOut)
    {
        Auxiliary = auxiliary.ToArray();
        HeldOut = heldOut.ToArray();
        if (Auxiliary.Count == 0 || HeldOut.Count == 0)
            throw new DaClipException("A synthetic split needs at least one auxiliary and one held-out category.");
        var all = Auxiliary.Concat(HeldOut).ToArray();
        var repeated = all.GroupBy(c => c).Where(g => g.Count() > 1).Select(g => g.Key.FolderName()).ToArray();
        if (repeated.Length > 0)
            throw new DaClipException($"A synthetic split lists {string.Join(", ", repeated)} more than once; put each category in one set, once.");
    }

    /// <summary>
    /// The default split over all eight categories. Auxiliary: stripes, wood (textures), nut, screw (objects), which
    /// together use all seven defect kinds. Held out: weave, carpet (textures), capsule, pcb (objects).
    /// </summary>
    public static SyntheticDefectSplit Default { get; } = new(
        [SyntheticCategory.Stripes, SyntheticCategory.Wood, SyntheticCategory.Nut, SyntheticCategory.Screw],
        [SyntheticCategory.Weave, SyntheticCategory.Carpet, SyntheticCategory.Capsule, SyntheticCategory.Pcb]);

    /// <summary>Categories to train on.</summary>
    public IReadOnlyList<SyntheticCategory> Auxiliary { get; }

    /// <summary>Categories for zero-shot evaluation, never seen in training.</summary>
    public IReadOnlyList<SyntheticCategory> HeldOut { get; }

    /// <summary>A copy of <paramref name="template"/> (null: defaults) drawing the auxiliary categories.</summary>
    public SyntheticDefectOptions AuxiliaryOptions(SyntheticDefectOptions? template = null) => WithCategories(template, Auxiliary);

    /// <summary>A copy of <paramref name="template"/> (null: defaults) drawing the held-out categories.</summary>
    public SyntheticDefectOptions HeldOutOptions(SyntheticDefectOptions? template = null) => WithCategories(template, HeldOut);

    private static SyntheticDefectOptions WithCategories(SyntheticDefectOptions? template, IReadOnlyList<SyntheticCategory> categories)
    {
        var options = (template ?? new SyntheticDefectOptions()).Clone();
        options.Categories = categories.ToArray();
        return options;
    }
}
