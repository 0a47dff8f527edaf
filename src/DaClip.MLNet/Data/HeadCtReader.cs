using System.Globalization;

namespace DaClip.MLNet.Data;

/// <summary>
/// Head CT. Two layouts are accepted:
/// <list type="bullet">
/// <item>the Kaggle release "Head CT - hemorrhage": <c>labels.csv</c> (columns <c>id</c> and <c>hemorrhage</c>, 1 = hemorrhage) and the images
/// <c>head_ct/head_ct/000.png</c> ... (also found in <c>head_ct/</c> or the root), file name = id written with three digits;</item>
/// <item>a prepared <c>test/good/</c> + <c>test/&lt;defect&gt;/</c> layout (as AnomalyCLIP's preparation writes it), at the root or in one class folder.</item>
/// </list>
/// No masks. Class name <c>brain</c> for the Kaggle layout (as AnomalyCLIP names it).
/// </summary>
public sealed class HeadCtReader : IAnomalyDatasetReader
{
    private const string Expected = "labels.csv and head_ct/ (Kaggle release), or test/good/ and test/<defect>/";

    private static readonly MvtecStyleLayout FolderLayout = new()
    {
        DatasetName = "Head CT",
        NormalGroup = "good",
        ExpectedLayout = Expected,
        HasMasks = false,
    };

    /// <inheritdoc/>
    public DatasetKind Kind => DatasetKind.HeadCt;

    /// <inheritdoc/>
    public AnomalyDataset Read(string root, DatasetReadOptions? options = null)
    {
        options ??= new();
        var full = DatasetFiles.RequireRoot(root, "Head CT", Expected);
        var labels = DatasetFiles.FindFile(full, "labels.csv");
        if (labels is null) return FolderLayout.Read(Kind, full, options);

        options.RequireTestSplit(full, "Head CT");
        const string className = "brain";
        options.SelectClasses([className], full, "Head CT");

        var imageDir = FindImageFolder(full);
        var table = CsvTable.Read(labels);
        int idCol = table.Column("id"), labelCol = table.Column("hemorrhage");
        var images = DatasetFiles.Images(imageDir);
        var byStem = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var image in images) byStem.TryAdd(Path.GetFileNameWithoutExtension(image), image);

        var samples = new List<AnomalySample>();
        var used = new HashSet<string>(StringComparer.Ordinal);
        for (int r = 0; r < table.Rows.Count; r++)
        {
            var idText = CsvTable.Field(table.Rows[r], idCol);
            var labelText = CsvTable.Field(table.Rows[r], labelCol);
            if (!int.TryParse(idText, NumberStyles.Integer, CultureInfo.InvariantCulture, out int id) || id < 0)
            {
                throw new DatasetLayoutException(labels, $"record {r + 1} has id '{idText}', not a non-negative integer.", "restore labels.csv from the Kaggle archive.");
            }
            bool anomalous = labelText switch
            {
                "1" => true,
                "0" => false,
                _ => throw new DatasetLayoutException(labels, $"record {r + 1} has hemorrhage '{labelText}'; 0 or 1 is expected.", "restore labels.csv from the Kaggle archive."),
            };
            if (!byStem.TryGetValue(id.ToString("000", CultureInfo.InvariantCulture), out var image) &&
                !byStem.TryGetValue(idText, out image))
            {
                throw new DatasetLayoutException(imageDir,
                    $"has no image for id {id} of labels.csv (expected {id.ToString("000", CultureInfo.InvariantCulture)}.png); labels.csv lists {table.Rows.Count} ids, the folder holds {images.Count} images.",
                    "extract all images of the Kaggle archive into this folder.");
            }
            used.Add(image);
            samples.Add(new AnomalySample(image, className, anomalous, null, anomalous ? "hemorrhage" : "normal", options.Split));
        }
        if (used.Count != images.Count)
        {
            var stray = images.First(i => !used.Contains(i));
            throw new DatasetLayoutException(imageDir,
                $"holds {images.Count} images but labels.csv labels {used.Count} of them (first unlabelled: {Path.GetFileName(stray)}).",
                "remove files that are not part of the dataset from the image folder, or use the labels.csv that came with these images.");
        }
        return new AnomalyDataset(Kind, full, options.Split, samples);
    }

    private static string FindImageFolder(string root)
    {
        var outer = DatasetFiles.FindDirectory(root, "head_ct");
        var inner = outer is null ? null : DatasetFiles.FindDirectory(outer, "head_ct");
        foreach (var candidate in new[] { inner, outer, root })
        {
            if (candidate is not null && DatasetFiles.Images(candidate).Count > 0) return candidate;
        }
        throw new DatasetLayoutException(Path.Combine(root, "head_ct", "head_ct"),
            "holds no images (nor do head_ct/ or the root), though labels.csv is present.",
            "extract the Kaggle archive completely: its images are in head_ct/head_ct/000.png ... 199.png.");
    }
}
