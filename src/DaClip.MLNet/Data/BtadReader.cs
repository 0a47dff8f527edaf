namespace DaClip.MLNet.Data;

/// <summary>
/// BTAD (folder <c>BTech_Dataset_transformed</c>): classes <c>01</c>, <c>02</c>, <c>03</c>, each with <c>train/ok/</c>, <c>test/ok/</c>,
/// <c>test/ko/</c> and <c>ground_truth/ko/</c>. Masks share the image stem but not always its extension
/// (01: .bmp images, .png masks; 02: .png and .png; 03: .bmp and .bmp), so masks are matched by stem.
/// Test split: 451 normal + 290 anomalous images.
/// </summary>
public sealed class BtadReader : IAnomalyDatasetReader
{
    private static readonly MvtecStyleLayout Layout = new()
    {
        DatasetName = "BTAD",
        NormalGroup = "ok",
        ExpectedLayout = "the class folders 01/, 02/, 03/, each with train/ok/, test/ok/, test/ko/ and ground_truth/ko/",
    };

    /// <inheritdoc/>
    public DatasetKind Kind => DatasetKind.Btad;

    /// <inheritdoc/>
    public AnomalyDataset Read(string root, DatasetReadOptions? options = null) => Layout.Read(Kind, root, options ?? new());
}
