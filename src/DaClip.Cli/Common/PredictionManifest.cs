using System.Text.Json;
using DaClip.MLNet.IO;

namespace DaClip.Cli.Common;

/// <summary>
/// The manifest of one file set in a predictions folder (<c>&lt;stem&gt;.manifest.json</c>): which model scored which
/// shards of which dataset, and the names of the JSON-lines file and of the maps file. It is written last, atomically, so
/// a manifest on disk means its files are complete.
/// </summary>
internal sealed record PredictionManifest
{
    /// <summary>Value of <see cref="Format"/>.</summary>
    public const string FormatName = "daclip-predictions/1";

    /// <summary>Suffix of manifest files.</summary>
    public const string Suffix = ".manifest.json";

    /// <summary>Format tag.</summary>
    public string Format { get; init; } = FormatName;

    /// <summary>Absolute path of the model zip.</summary>
    public required string Model { get; init; }

    /// <summary>SHA-256 of the model zip: shards scored by different models do not merge.</summary>
    public required string ModelSha256 { get; init; }

    /// <summary>The model's backbone name.</summary>
    public required string Backbone { get; init; }

    /// <summary>Side S of the anomaly maps.</summary>
    public required int ImageSize { get; init; }

    /// <summary>How images were brought to S x S (masks are resized the same way when evaluating).</summary>
    public required string Fit { get; init; }

    /// <summary>The model's threshold (the verdicts' threshold when no other was given).</summary>
    public required float ModelThreshold { get; init; }

    /// <summary>The dataset, <c>kind:root</c> with an absolute root.</summary>
    public required string Data { get; init; }

    /// <summary>The <c>--classes</c> filter, or null for every class.</summary>
    public IReadOnlyList<string>? Classes { get; init; }

    /// <summary>Images in the whole dataset (all shards together).</summary>
    public required int DatasetImages { get; init; }

    /// <summary>N of the shard spec.</summary>
    public required int ShardCount { get; init; }

    /// <summary>The shards (0-based) these files hold: one for <c>predict --shard</c>, all of them after <c>merge</c>.</summary>
    public required IReadOnlyList<int> Shards { get; init; }

    /// <summary>Images in these files.</summary>
    public required int Images { get; init; }

    /// <summary>The JSON-lines file name (in the same folder).</summary>
    public required string Predictions { get; init; }

    /// <summary>The maps file name (raw little-endian float32, S x S per image in <see cref="PredictionRecord.Map"/> order), or null.</summary>
    public string? Maps { get; init; }

    /// <summary>When the files were written.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Reads a manifest.</summary>
    /// <exception cref="CliUsageException">Not a predictions manifest.</exception>
    public static PredictionManifest Read(string path)
    {
        PredictionManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<PredictionManifest>(File.ReadAllText(path), CliJson.Indented);
        }
        catch (JsonException e)
        {
            throw new CliUsageException($"{path}: not a predictions manifest ({e.Message}). Write predictions with `daclip predict --data ... --out dir`.");
        }
        if (manifest is null || manifest.Format != FormatName)
            throw new CliUsageException($"{path}: not a predictions manifest (format '{manifest?.Format}', expected '{FormatName}').");
        return manifest;
    }

    /// <summary>Writes the manifest atomically.</summary>
    public void Write(string path) => AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, CliJson.Indented) + "\n");
}
