namespace DaClip.MLNet.Data;

/// <summary>
/// VisA: the split file <c>split_csv/1cls.csv</c> (columns <c>object, split, label, image, mask</c>; label <c>normal</c> or
/// <c>anomaly</c>; paths relative to the root such as <c>candle/Data/Images/Anomaly/000.JPG</c> and
/// <c>candle/Data/Masks/Anomaly/000.png</c>). Test split of 1cls: 962 normal + 1,200 anomalous images in 12 classes.
/// VisA masks are not binary (pixel values are defect indices); any non-zero pixel is anomalous.
/// </summary>
public sealed class VisaReader : IAnomalyDatasetReader
{
    private const string Expected = "split_csv/1cls.csv and the class folders candle/, capsules/, ..., pipe_fryum/";

    /// <summary>Creates the reader for the split file <paramref name="splitCsv"/> (relative to the root).</summary>
    public VisaReader(string splitCsv = "split_csv/1cls.csv")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(splitCsv);
        SplitCsv = splitCsv;
    }

    /// <summary>The split file read, relative to the root.</summary>
    public string SplitCsv { get; }

    /// <inheritdoc/>
    public DatasetKind Kind => DatasetKind.Visa;

    /// <inheritdoc/>
    public AnomalyDataset Read(string root, DatasetReadOptions? options = null)
    {
        options ??= new();
        var full = DatasetFiles.RequireRoot(root, "VisA", Expected);
        var csvPath = Path.Combine(full, SplitCsv);
        if (!File.Exists(csvPath))
        {
            throw new DatasetLayoutException(csvPath,
                "is missing, so this is not the VisA root (or the archive was only partly extracted).",
                $"pass the folder that holds {Expected} (the VisA_20220922 archive extracts them together).");
        }

        var table = CsvTable.Read(csvPath);
        int objectCol = table.Column("object"), splitCol = table.Column("split"), labelCol = table.Column("label");
        int imageCol = table.Column("image"), maskCol = table.Column("mask");
        var available = table.Rows.Select(r => CsvTable.Field(r, objectCol)).Where(o => o.Length > 0)
            .Distinct(StringComparer.Ordinal).OrderBy(o => o, StringComparer.Ordinal).ToList();
        var selected = new HashSet<string>(options.SelectClasses(available, full, "VisA"), StringComparer.Ordinal);
        var split = options.Split == DatasetSplit.Train ? "train" : "test";

        var samples = new List<AnomalySample>();
        var missing = new List<string>();
        for (int r = 0; r < table.Rows.Count; r++)
        {
            var row = table.Rows[r];
            if (!selected.Contains(CsvTable.Field(row, objectCol))) continue;
            if (!string.Equals(CsvTable.Field(row, splitCol), split, StringComparison.OrdinalIgnoreCase)) continue;
            var label = CsvTable.Field(row, labelCol);
            bool anomalous = label.ToLowerInvariant() switch
            {
                "normal" => false,
                "anomaly" => true,
                _ => throw new DatasetLayoutException(csvPath,
                    $"record {r + 1} has label '{label}'; VisA labels are 'normal' or 'anomaly'.",
                    "restore the split file from the VisA archive."),
            };
            var image = Resolve(full, CsvTable.Field(row, imageCol));
            if (!File.Exists(image)) missing.Add(image);

            string? mask = null;
            var maskField = CsvTable.Field(row, maskCol);
            if (anomalous && maskField.Length > 0)
            {
                mask = Resolve(full, maskField);
                if (!File.Exists(mask))
                {
                    if (options.RequireMasks) missing.Add(mask);
                    else mask = null;
                }
            }
            else if (anomalous && options.RequireMasks)
            {
                throw new DatasetLayoutException(csvPath,
                    $"record {r + 1} ({CsvTable.Field(row, imageCol)}) is an anomaly without a mask path.",
                    "restore the split file from the VisA archive, or read with DatasetReadOptions.RequireMasks = false.");
            }
            samples.Add(new AnomalySample(image, CsvTable.Field(row, objectCol), anomalous, mask, label.ToLowerInvariant(), options.Split));
        }

        if (missing.Count > 0)
        {
            throw new DatasetLayoutException(missing[0],
                $"is listed in {SplitCsv} but does not exist ({missing.Count} listed files are missing).",
                "extract the whole VisA archive into the root that holds split_csv/ (images under <class>/Data/Images/, masks under <class>/Data/Masks/).");
        }
        DatasetFiles.RequireAny(samples, full, "VisA", Expected);
        return new AnomalyDataset(Kind, full, options.Split, samples);
    }

    private static string Resolve(string root, string relative) =>
        Path.GetFullPath(Path.Combine(root, relative.Replace('\\', '/').Replace('/', Path.DirectorySeparatorChar)));
}
