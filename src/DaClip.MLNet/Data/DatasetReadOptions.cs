namespace DaClip.MLNet.Data;

/// <summary>What to read from a dataset. The defaults read the whole test split and insist on a mask for every anomalous image of a dataset that has masks.</summary>
public sealed class DatasetReadOptions
{
    /// <summary>The split to read. Default: <see cref="DatasetSplit.Test"/>.</summary>
    public DatasetSplit Split { get; init; } = DatasetSplit.Test;

    /// <summary>Classes to keep (names as the dataset spells them, compared without regard to case); <see langword="null"/> or empty keeps all. An unknown name is an error that lists the classes present.</summary>
    public IReadOnlyCollection<string>? Classes { get; init; }

    /// <summary>
    /// When <see langword="true"/> (default), every anomalous image of a dataset that ships masks must have exactly one mask and
    /// every mask must belong to an image; a missing mask folder, a missing mask or a stray mask is a <see cref="DatasetLayoutException"/>.
    /// When <see langword="false"/>, masks are attached where found and the rest read as image-level labels only.
    /// </summary>
    public bool RequireMasks { get; init; } = true;

    /// <summary>The classes of <paramref name="available"/> that <see cref="Classes"/> selects, in the order given by <paramref name="available"/>.</summary>
    internal IReadOnlyList<string> SelectClasses(IReadOnlyList<string> available, string root, string datasetName)
    {
        if (Classes is not { Count: > 0 }) return available;
        var unknown = Classes.Where(c => !available.Contains(c, StringComparer.OrdinalIgnoreCase)).ToList();
        if (unknown.Count > 0)
        {
            throw new DatasetLayoutException(root,
                $"{datasetName} has no class {string.Join(", ", unknown.Select(u => $"'{u}'"))}; the classes present are: {string.Join(", ", available)}.",
                "ask for classes from that list (or none, to read them all).");
        }
        return available.Where(a => Classes.Contains(a, StringComparer.OrdinalIgnoreCase)).ToList();
    }

    /// <summary>Throws unless the split is <see cref="DatasetSplit.Test"/>, for datasets that have no training split.</summary>
    internal void RequireTestSplit(string root, string datasetName)
    {
        if (Split != DatasetSplit.Test)
        {
            throw new DatasetLayoutException(root,
                $"{datasetName} has only a test split; {Split} was asked for.",
                $"read {datasetName} with Split = {nameof(DatasetSplit.Test)} (it is an evaluation-only dataset in the paper's protocol).");
        }
    }
}
