namespace DaClip.MLNet.Data;

/// <summary>
/// MPDD (metal parts): the MVTec AD layout, classes bracket_black, bracket_brown, bracket_white, connector, metal_plate, tubes;
/// masks <c>&lt;class&gt;/ground_truth/&lt;defect&gt;/&lt;stem&gt;_mask.png</c>. Test split: 176 normal + 282 anomalous images.
/// </summary>
public sealed class MpddReader : IAnomalyDatasetReader
{
    private static readonly MvtecStyleLayout Layout = new()
    {
        DatasetName = "MPDD",
        NormalGroup = "good",
        ExpectedLayout = "the class folders bracket_black/, bracket_brown/, bracket_white/, connector/, metal_plate/, tubes/, each with train/, test/ and ground_truth/",
    };

    /// <inheritdoc/>
    public DatasetKind Kind => DatasetKind.Mpdd;

    /// <inheritdoc/>
    public AnomalyDataset Read(string root, DatasetReadOptions? options = null) => Layout.Read(Kind, root, options ?? new());
}
