namespace DaClip.MLNet.Data;

/// <summary>
/// Brain MRI (Kaggle "Brain MRI Images for Brain Tumor Detection"): <c>no/</c> (normal) and <c>yes/</c> (tumour), at the root or in
/// <c>brain_tumor_dataset/</c> (the archive holds both copies; the root copy is read when present). File names and extensions are
/// mixed (<c>1 no.jpeg</c>, <c>N1.JPG</c>, <c>Y1.jpg</c>). No masks; class <c>brain</c>; test split only.
/// </summary>
public sealed class BrainMriReader : IAnomalyDatasetReader
{
    /// <inheritdoc/>
    public DatasetKind Kind => DatasetKind.BrainMri;

    /// <inheritdoc/>
    public AnomalyDataset Read(string root, DatasetReadOptions? options = null) =>
        YesNoFolders.Read(Kind, root, options ?? new(), "Brain MRI", "brain", ["", "brain_tumor_dataset"]);
}
