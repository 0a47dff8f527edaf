namespace DaClip.MLNet.Data;

/// <summary>
/// Br35H (Kaggle "Br35H :: Brain Tumor Detection 2020"): <c>no/no0.jpg</c> ... (normal) and <c>yes/y0.jpg</c> ... (tumour);
/// the unlabelled <c>pred/</c> folder is ignored. No masks; class <c>brain</c>; test split only.
/// </summary>
public sealed class Br35hReader : IAnomalyDatasetReader
{
    /// <inheritdoc/>
    public DatasetKind Kind => DatasetKind.Br35h;

    /// <inheritdoc/>
    public AnomalyDataset Read(string root, DatasetReadOptions? options = null) =>
        YesNoFolders.Read(Kind, root, options ?? new(), "Br35H", "brain", [""]);
}
