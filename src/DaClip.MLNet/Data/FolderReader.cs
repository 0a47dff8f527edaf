namespace DaClip.MLNet.Data;

/// <summary>
/// A generic folder: <c>good/</c> (normal images) and one folder per defect type (anomalous images), optionally with masks in
/// <c>ground_truth/&lt;defect&gt;/</c>, <c>masks/&lt;defect&gt;/</c> or <c>mask/&lt;defect&gt;/</c> (anomalib's folder layout), named <c>&lt;stem&gt;_mask.&lt;ext&gt;</c> or <c>&lt;stem&gt;.&lt;ext&gt;</c>.
/// Without a mask folder the set is read for image-level labels only. The class is the root folder's name; test split only.
/// </summary>
public sealed class FolderReader : IAnomalyDatasetReader
{
    private const string Expected = "good/ and one folder per defect type (masks optional, in ground_truth/<defect>/, masks/<defect>/ or mask/<defect>/)";
    private static readonly string[] MaskFolders = ["ground_truth", "masks", "mask"];

    /// <inheritdoc/>
    public DatasetKind Kind => DatasetKind.Folder;

    /// <inheritdoc/>
    public AnomalyDataset Read(string root, DatasetReadOptions? options = null)
    {
        options ??= new();
        var full = DatasetFiles.RequireRoot(root, "image folder", Expected);
        options.RequireTestSplit(full, "A generic folder");
        var good = DatasetFiles.FindDirectory(full, "good")
            ?? throw new DatasetLayoutException(Path.Combine(full, "good"),
                "is missing: a generic dataset folder keeps its normal images in good/.",
                $"arrange the folder as {Expected}.");
        var className = Path.GetFileName(Path.TrimEndingDirectorySeparator(full));
        options.SelectClasses([className], full, "The folder");

        var maskRoot = MaskFolders.Select(m => DatasetFiles.FindDirectory(full, m)).FirstOrDefault(d => d is not null);
        var samples = DatasetFiles.Images(good)
            .Select(i => new AnomalySample(i, className, false, null, Path.GetFileName(good), options.Split))
            .ToList();
        foreach (var defectDir in DatasetFiles.SubDirectories(full))
        {
            var defect = Path.GetFileName(defectDir);
            if (defectDir == good || MaskFolders.Contains(defect, StringComparer.OrdinalIgnoreCase)) continue;
            var images = DatasetFiles.Images(defectDir);
            if (images.Count == 0) continue;
            var masks = new string?[images.Count];
            if (maskRoot is not null)
            {
                var maskDir = DatasetFiles.FindDirectory(maskRoot, defect);
                if (maskDir is not null)
                {
                    masks = MaskPairing.Pair(images, defectDir, maskDir, MaskPairing.MvtecSuffixes, options.RequireMasks, full);
                }
                else if (options.RequireMasks)
                {
                    throw new DatasetLayoutException(Path.Combine(maskRoot, defect),
                        $"is missing: {Path.GetFileName(maskRoot)}/ holds masks, but none for the {images.Count} images in {defect}/.",
                        $"add {Path.GetFileName(maskRoot)}/{defect}/ with a mask per image, or read with DatasetReadOptions.RequireMasks = false.");
                }
            }
            for (int i = 0; i < images.Count; i++) samples.Add(new AnomalySample(images[i], className, true, masks[i], defect, options.Split));
        }
        DatasetFiles.RequireAny(samples, full, "image folder", Expected);
        return new AnomalyDataset(Kind, full, options.Split, samples);
    }
}
