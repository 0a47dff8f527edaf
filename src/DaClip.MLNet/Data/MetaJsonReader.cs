using System.Text.Json;

namespace DaClip.MLNet.Data;

/// <summary>
/// AnomalyCLIP's dataset index <c>meta.json</c>: <c>{"train": {class: [...]}, "test": {class: [{"img_path", "mask_path", "cls_name",
/// "specie_name", "anomaly"}]}}</c>, paths relative to the folder of the file (absolute paths are taken as they are).
/// <c>anomaly</c> is 0/1 (or a Boolean); an empty <c>mask_path</c>, or one that names a folder, means "no mask" (AnomalyCLIP reads such an
/// anomalous image with an empty mask, for image-level metrics only). The root is the folder holding <c>meta.json</c>, or the JSON file itself.
/// Any dataset can be described this way, which is how sets without a reader of their own (such as the paper's "MSD") are read.
/// </summary>
public sealed class MetaJsonReader : IAnomalyDatasetReader
{
    /// <inheritdoc/>
    public DatasetKind Kind => DatasetKind.MetaJson;

    /// <inheritdoc/>
    public AnomalyDataset Read(string root, DatasetReadOptions? options = null)
    {
        options ??= new();
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        var full = Path.GetFullPath(root);
        var metaPath = File.Exists(full) ? full : Path.Combine(DatasetFiles.RequireRoot(full, "meta.json", "meta.json"), "meta.json");
        if (!File.Exists(metaPath))
        {
            throw new DatasetLayoutException(metaPath, "does not exist.",
                "pass the folder that holds meta.json (or the JSON file itself); AnomalyCLIP's generate_dataset_json scripts write one per dataset.");
        }
        var baseDir = Path.GetDirectoryName(metaPath)!;

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(metaPath), new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException ex)
        {
            throw new DatasetLayoutException(metaPath, $"is not valid JSON ({ex.Message}).", "regenerate the index, or fix the file at the position given.", ex);
        }

        using (document)
        {
            var splitKey = options.Split == DatasetSplit.Train ? "train" : "test";
            if (document.RootElement.ValueKind != JsonValueKind.Object ||
                !document.RootElement.TryGetProperty(splitKey, out var split) || split.ValueKind != JsonValueKind.Object)
            {
                throw new DatasetLayoutException(metaPath,
                    $"has no \"{splitKey}\" object; the expected shape is {{\"train\": {{class: [...]}}, \"test\": {{class: [...]}}}}.",
                    $"write the {splitKey} entries under \"{splitKey}\", grouped by class.");
            }

            var classes = split.EnumerateObject().Select(p => p.Name).ToList();
            var selected = new HashSet<string>(options.SelectClasses(classes, metaPath, "meta.json"), StringComparer.Ordinal);
            var samples = new List<AnomalySample>();
            var missing = new List<string>();
            foreach (var entry in split.EnumerateObject().Where(p => selected.Contains(p.Name)))
            {
                if (entry.Value.ValueKind != JsonValueKind.Array)
                {
                    throw new DatasetLayoutException(metaPath, $"\"{splitKey}\".\"{entry.Name}\" is not an array of image records.", "write each class as an array of records.");
                }
                int index = 0;
                foreach (var item in entry.Value.EnumerateArray())
                {
                    var where = $"\"{splitKey}\".\"{entry.Name}\"[{index++}]";
                    samples.Add(ReadItem(item, where, entry.Name, baseDir, metaPath, options, missing));
                }
            }
            if (missing.Count > 0)
            {
                throw new DatasetLayoutException(missing[0],
                    $"is listed in {metaPath} but does not exist ({missing.Count} listed files are missing).",
                    "place the dataset so that the paths in meta.json resolve from the folder of meta.json, or regenerate meta.json for where the data is now.");
            }
            return new AnomalyDataset(Kind, baseDir, options.Split, samples);
        }
    }

    private static AnomalySample ReadItem(JsonElement item, string where, string classKey, string baseDir, string metaPath, DatasetReadOptions options, List<string> missing)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            throw new DatasetLayoutException(metaPath, $"{where} is not an object.", "write each image as {\"img_path\", \"mask_path\", \"cls_name\", \"specie_name\", \"anomaly\"}.");
        }
        var imageText = Text(item, "img_path");
        if (string.IsNullOrEmpty(imageText))
        {
            throw new DatasetLayoutException(metaPath, $"{where} has no \"img_path\".", "give every record the image path, relative to the folder of meta.json.");
        }
        bool anomalous = Anomaly(item, where, metaPath);
        var image = Resolve(baseDir, imageText);
        if (!File.Exists(image)) missing.Add(image);

        string? mask = null;
        var maskText = Text(item, "mask_path");
        if (anomalous && !string.IsNullOrEmpty(maskText))
        {
            var resolved = Resolve(baseDir, maskText);
            if (File.Exists(resolved)) mask = resolved;
            else if (!Directory.Exists(resolved) && options.RequireMasks) missing.Add(resolved);
        }
        var className = Text(item, "cls_name") is { Length: > 0 } c ? c : classKey;
        var defect = Text(item, "specie_name") is { Length: > 0 } s ? s : anomalous ? "anomaly" : "good";
        return new AnomalySample(image, className, anomalous, mask, defect, options.Split);
    }

    private static string? Text(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static bool Anomaly(JsonElement item, string where, string metaPath)
    {
        if (item.TryGetProperty("anomaly", out var value))
        {
            switch (value.ValueKind)
            {
                case JsonValueKind.True: return true;
                case JsonValueKind.False: return false;
                case JsonValueKind.Number when value.TryGetInt32(out int n) && n is 0 or 1: return n == 1;
            }
        }
        throw new DatasetLayoutException(metaPath, $"{where} has no \"anomaly\" of 0 or 1.", "give every record \"anomaly\": 0 (normal) or 1 (anomalous).");
    }

    private static string Resolve(string baseDir, string path) =>
        Path.GetFullPath(Path.Combine(baseDir, path.Replace('\\', '/').Replace('/', Path.DirectorySeparatorChar)));
}
