namespace DaClip.MLNet.Data;

/// <summary>
/// MVTec AD: <c>&lt;class&gt;/test/&lt;good|defect&gt;/000.png</c>, masks <c>&lt;class&gt;/ground_truth/&lt;defect&gt;/000_mask.png</c>,
/// training images in <c>&lt;class&gt;/train/good/</c>. Test split: 467 normal + 1,258 anomalous images in 15 classes.
/// </summary>
public sealed class MvtecAdReader : IAnomalyDatasetReader
{
    private static readonly MvtecStyleLayout Layout = new()
    {
        DatasetName = "MVTec AD",
        NormalGroup = "good",
        ExpectedLayout = "the class folders bottle/, cable/, ..., zipper/, each with train/, test/ and ground_truth/",
    };

    /// <inheritdoc/>
    public DatasetKind Kind => DatasetKind.MvtecAd;

    /// <inheritdoc/>
    public AnomalyDataset Read(string root, DatasetReadOptions? options = null) => Layout.Read(Kind, root, options ?? new());
}
