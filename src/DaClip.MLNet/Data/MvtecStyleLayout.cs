namespace DaClip.MLNet.Data;

/// <summary>
/// The layout shared by MVTec AD, MPDD, BTAD, DTD-Synthetic and the folder form of Head CT:
/// <c>&lt;class&gt;/{train,test}/&lt;group&gt;/&lt;image&gt;</c>, where the group named <see cref="NormalGroup"/> holds normal images and every
/// other group holds one defect type whose masks lie in <c>&lt;class&gt;/ground_truth/&lt;group&gt;/</c>.
/// The root may also be a single class folder (one holding <c>test/</c> itself).
/// </summary>
internal sealed class MvtecStyleLayout
{
    /// <summary>Name used in messages.</summary>
    public required string DatasetName { get; init; }

    /// <summary>The group folder of normal images (<c>good</c>, BTAD: <c>ok</c>).</summary>
    public required string NormalGroup { get; init; }

    /// <summary>Layout description for messages, e.g. <c>bottle/, cable/, ... each with train/, test/, ground_truth/</c>.</summary>
    public required string ExpectedLayout { get; init; }

    /// <summary>Whether the dataset ships masks in <c>ground_truth/</c>.</summary>
    public bool HasMasks { get; init; } = true;

    /// <summary>Reads <paramref name="root"/>.</summary>
    public AnomalyDataset Read(DatasetKind kind, string root, DatasetReadOptions options)
    {
        var full = DatasetFiles.RequireRoot(root, DatasetName, ExpectedLayout);
        var splitFolder = options.Split == DatasetSplit.Train ? "train" : "test";

        var classDirs = DatasetFiles.SubDirectories(full).Where(IsClassFolder).ToList();
        if (classDirs.Count == 0)
        {
            if (!IsClassFolder(full))
            {
                throw new DatasetLayoutException(full,
                    $"has no class folder with a test/ or train/ sub-folder, so it is not the {DatasetName} root.",
                    $"pass the folder that holds {ExpectedLayout}.");
            }
            classDirs.Add(full);
        }

        var names = classDirs.Select(d => Path.GetFileName(d)).ToList();
        var selected = options.SelectClasses(names, full, DatasetName);
        var samples = new List<AnomalySample>();
        foreach (var classDir in classDirs.Where(d => selected.Contains(Path.GetFileName(d))))
        {
            ReadClass(full, classDir, splitFolder, options, samples);
        }
        DatasetFiles.RequireAny(samples, full, DatasetName, ExpectedLayout);
        return new AnomalyDataset(kind, full, options.Split, samples);
    }

    private static bool IsClassFolder(string dir) =>
        DatasetFiles.FindDirectory(dir, "test") is not null || DatasetFiles.FindDirectory(dir, "train") is not null;

    private void ReadClass(string root, string classDir, string splitFolder, DatasetReadOptions options, List<AnomalySample> samples)
    {
        var className = Path.GetFileName(classDir);
        var splitDir = DatasetFiles.FindDirectory(classDir, splitFolder)
            ?? throw new DatasetLayoutException(classDir,
                $"has no {splitFolder}/ folder, so its {options.Split} split cannot be read.",
                $"restore {className}/{splitFolder}/ from the {DatasetName} archive, or leave class '{className}' out with DatasetReadOptions.Classes.");

        foreach (var groupDir in DatasetFiles.SubDirectories(splitDir))
        {
            var group = Path.GetFileName(groupDir);
            var images = DatasetFiles.Images(groupDir);
            if (images.Count == 0) continue;
            bool anomalous = !string.Equals(group, NormalGroup, StringComparison.OrdinalIgnoreCase);
            var masks = anomalous && HasMasks ? MasksFor(root, classDir, groupDir, images, options) : new string?[images.Count];
            for (int i = 0; i < images.Count; i++)
            {
                samples.Add(new AnomalySample(images[i], className, anomalous, masks[i], group, options.Split));
            }
        }
    }

    private string?[] MasksFor(string root, string classDir, string groupDir, List<string> images, DatasetReadOptions options)
    {
        var group = Path.GetFileName(groupDir);
        var truth = DatasetFiles.FindDirectory(classDir, "ground_truth");
        var maskDir = truth is null ? null : DatasetFiles.FindDirectory(truth, group);
        if (maskDir is null)
        {
            if (!options.RequireMasks) return new string?[images.Count];
            var expected = Path.Combine(classDir, "ground_truth", group);
            throw new DatasetLayoutException(expected,
                $"is missing: the {images.Count} anomalous images in {DatasetFiles.Relative(root, groupDir)} have no mask folder.",
                $"restore ground_truth/{group}/ from the {DatasetName} archive, or read with DatasetReadOptions.RequireMasks = false to use image labels only.");
        }
        return MaskPairing.Pair(images, groupDir, maskDir, MaskPairing.MvtecSuffixes, options.RequireMasks, root);
    }
}
