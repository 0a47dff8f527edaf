namespace DaClip.MLNet.Data;

/// <summary>The layout of the all-anomalous segmentation sets (CVC-ClinicDB, ISIC): one folder of images and one of masks, paired by file stem.</summary>
internal static class ImageMaskFolders
{
    /// <summary>
    /// Reads the first pair of <paramref name="folderPairs"/> (relative to the root) whose two folders exist, pairing every image with the mask
    /// whose stem is the image stem plus <paramref name="maskSuffix"/> (letter case ignored). An empty relative path is the root itself.
    /// Every image is anomalous.
    /// </summary>
    public static AnomalyDataset Read(DatasetKind kind, string root, DatasetReadOptions options, string datasetName, string className, string defectType,
        IReadOnlyList<(string Images, string Masks)> folderPairs, string maskSuffix, Func<string, bool> isImage, Func<string, bool> isMask)
    {
        var expected = string.Join(", or ", folderPairs.Select(p => p.Images.Length == 0 ? "images and masks side by side" : $"{p.Images}/ and {p.Masks}/"));
        var full = DatasetFiles.RequireRoot(root, datasetName, expected);
        options.RequireTestSplit(full, datasetName);
        options.SelectClasses([className], full, datasetName);

        foreach (var (imagesRel, masksRel) in folderPairs)
        {
            var imageDir = Find(full, imagesRel);
            var maskDir = Find(full, masksRel);
            if (imageDir is null || maskDir is null) continue;

            var images = DatasetFiles.Images(imageDir).Where(isImage).ToList();
            if (images.Count == 0) continue;
            var masks = MaskPairing.Pair(images, imageDir, maskDir, [maskSuffix], options.RequireMasks, full, isMask);
            var samples = images.Select((image, i) => new AnomalySample(image, className, true, masks[i], defectType, options.Split)).ToList();
            return new AnomalyDataset(kind, full, options.Split, samples);
        }
        throw new DatasetLayoutException(full,
            $"holds none of the {datasetName} folder pairs with images in them ({expected}).",
            $"pass the folder that holds {expected}, as extracted from the {datasetName} archive.");
    }

    private static string? Find(string root, string relative)
    {
        var dir = root;
        foreach (var part in relative.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            dir = DatasetFiles.FindDirectory(dir, part);
            if (dir is null) return null;
        }
        return dir;
    }
}
