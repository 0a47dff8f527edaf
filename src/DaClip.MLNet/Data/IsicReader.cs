namespace DaClip.MLNet.Data;

/// <summary>
/// ISIC skin-lesion segmentation test sets, every image a lesion: ISIC 2016 Part 1 (<c>ISBI2016_ISIC_Part1_Test_Data/ISIC_0000003.jpg</c> +
/// <c>ISBI2016_ISIC_Part1_Test_GroundTruth/ISIC_0000003_Segmentation.png</c>, 379 images) or ISIC 2018 Task 1
/// (<c>ISIC2018_Task1-2_Test_Input/</c> + <c>ISIC2018_Task1_Test_GroundTruth/</c>, masks <c>*_segmentation.png</c>, 1,000 images);
/// AnomalyCLIP's prepared copy of ISIC 2016 (root <c>ISBI/</c> or <c>ISBI/skin/</c>: images in <c>skin/test/ISBI2016_ISIC_Part1_Test_Data/</c>, masks in
/// <c>skin/ISBI2016_ISIC_Part1_Test_GroundTruth/</c>); also both kinds of file in the root itself. Only <c>ISIC_*</c> images are read (the archives also hold licence texts).
/// Class <c>skin</c>, defect type <c>lesion</c>; test split only.
/// </summary>
public sealed class IsicReader : IAnomalyDatasetReader
{
    private static readonly (string, string)[] FolderPairs =
    [
        ("ISBI2016_ISIC_Part1_Test_Data", "ISBI2016_ISIC_Part1_Test_GroundTruth"),
        ("ISIC2018_Task1-2_Test_Input", "ISIC2018_Task1_Test_GroundTruth"),
        ("skin/test/ISBI2016_ISIC_Part1_Test_Data", "skin/ISBI2016_ISIC_Part1_Test_GroundTruth"),
        ("test/ISBI2016_ISIC_Part1_Test_Data", "ISBI2016_ISIC_Part1_Test_GroundTruth"),
        ("", ""),
    ];

    /// <inheritdoc/>
    public DatasetKind Kind => DatasetKind.Isic;

    /// <inheritdoc/>
    public AnomalyDataset Read(string root, DatasetReadOptions? options = null) =>
        ImageMaskFolders.Read(Kind, root, options ?? new(), "ISIC", "skin", "lesion", FolderPairs, "_segmentation", IsLesionImage, IsLesionMask);

    private static bool IsLesionImage(string path) => IsIsicFile(path) && !IsLesionMask(path);

    private static bool IsLesionMask(string path) =>
        IsIsicFile(path) && Path.GetFileNameWithoutExtension(path).EndsWith("_segmentation", StringComparison.OrdinalIgnoreCase);

    private static bool IsIsicFile(string path) => Path.GetFileName(path).StartsWith("ISIC_", StringComparison.OrdinalIgnoreCase);
}
