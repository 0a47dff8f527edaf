namespace DaClip.MLNet.Data;

/// <summary>The classification-only layout of Brain MRI and Br35H: a folder with <c>no/</c> (normal) and <c>yes/</c> (tumour) images, no masks.</summary>
internal static class YesNoFolders
{
    /// <summary>Reads the first of <paramref name="containers"/> (relative to the root; <c>""</c> = the root) that holds both <c>no/</c> and <c>yes/</c>.</summary>
    public static AnomalyDataset Read(DatasetKind kind, string root, DatasetReadOptions options, string datasetName, string className, IReadOnlyList<string> containers)
    {
        var expected = string.Join(" or ", containers.Select(c => c.Length == 0 ? "no/ and yes/" : $"{c}/no/ and {c}/yes/"));
        var full = DatasetFiles.RequireRoot(root, datasetName, expected);
        options.RequireTestSplit(full, datasetName);
        string? container = null, no = null, yes = null;
        foreach (var relative in containers)
        {
            var dir = relative.Length == 0 ? full : DatasetFiles.FindDirectory(full, relative);
            if (dir is null) continue;
            no = DatasetFiles.FindDirectory(dir, "no");
            yes = DatasetFiles.FindDirectory(dir, "yes");
            if (no is not null && yes is not null) { container = dir; break; }
        }
        if (container is null || no is null || yes is null)
        {
            throw new DatasetLayoutException(full,
                $"does not hold {expected}, so it is not the {datasetName} root.",
                $"pass the folder that holds {expected}.");
        }
        options.SelectClasses([className], full, datasetName);

        var samples = new List<AnomalySample>();
        foreach (var (dir, anomalous) in new[] { (no, false), (yes, true) })
        {
            foreach (var image in DatasetFiles.Images(dir))
            {
                samples.Add(new AnomalySample(image, className, anomalous, null, Path.GetFileName(dir), options.Split));
            }
        }
        DatasetFiles.RequireAny(samples, full, datasetName, expected);
        return new AnomalyDataset(kind, full, options.Split, samples);
    }
}
