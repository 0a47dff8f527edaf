namespace DaClip.MLNet.Data;

/// <summary>
/// DTD-Synthetic: the MVTec AD layout over 12 texture classes (Blotchy_099, Fibrous_183, ..., Woven_127) with groups <c>good</c> and
/// <c>bad</c>; masks in <c>&lt;class&gt;/ground_truth/bad/</c>, named <c>&lt;stem&gt;_mask.png</c> or <c>&lt;stem&gt;.png</c>.
/// Test split: 357 normal + 947 anomalous images (the DA-CLIP supplementary's count).
/// </summary>
public sealed class DtdSyntheticReader : IAnomalyDatasetReader
{
    private static readonly MvtecStyleLayout Layout = new()
    {
        DatasetName = "DTD-Synthetic",
        NormalGroup = "good",
        ExpectedLayout = "the texture class folders Blotchy_099/, Fibrous_183/, ..., Woven_127/, each with train/, test/ and ground_truth/",
    };

    /// <inheritdoc/>
    public DatasetKind Kind => DatasetKind.DtdSynthetic;

    /// <inheritdoc/>
    public AnomalyDataset Read(string root, DatasetReadOptions? options = null) => Layout.Read(Kind, root, options ?? new());
}
