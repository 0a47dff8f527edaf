namespace DaClip.MLNet.Data;

/// <summary>
/// CVC-ClinicDB (612 colonoscopy frames, every one with a polyp): <c>images/</c> + <c>masks/</c> (AnomalyCLIP's preparation), or the original
/// release's <c>Original/</c> + <c>Ground Truth/</c>, optionally under <c>PNG/</c> or <c>TIF/</c>. Image <c>1.tif</c> pairs with mask <c>1.tif</c>
/// (same stem, any extension). Class <c>colon</c>, defect type <c>polyp</c>; test split only.
/// </summary>
public sealed class ClinicDbReader : IAnomalyDatasetReader
{
    private static readonly (string, string)[] FolderPairs =
    [
        ("images", "masks"),
        ("Original", "Ground Truth"),
        ("PNG/Original", "PNG/Ground Truth"),
        ("TIF/Original", "TIF/Ground Truth"),
    ];

    /// <inheritdoc/>
    public DatasetKind Kind => DatasetKind.ClinicDb;

    /// <inheritdoc/>
    public AnomalyDataset Read(string root, DatasetReadOptions? options = null) =>
        ImageMaskFolders.Read(Kind, root, options ?? new(), "CVC-ClinicDB", "colon", "polyp", FolderPairs, "", _ => true, _ => true);
}
