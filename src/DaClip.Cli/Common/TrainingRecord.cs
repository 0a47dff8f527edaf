using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using DaClip.MLNet;
using DaClip.MLNet.IO;

namespace DaClip.Cli.Common;

/// <summary>
/// What <c>daclip train</c> records beside the model zip (<c>&lt;stem&gt;.training.json</c>) so that
/// <c>daclip export --fp16</c> can rebuild the network later: the backbone source ("tiny" or the checkpoint path), the
/// vocabulary, the training checkpoint with its SHA-256, the dataset and the options. The checkpoint itself holds the
/// network options and the backbone fingerprint, which are checked when it is loaded.
/// </summary>
internal sealed record TrainingRecord
{
    /// <summary>Value of <see cref="Format"/>.</summary>
    public const string FormatName = "daclip-training-record";

    /// <summary>Identifies the file.</summary>
    public string Format { get; init; } = FormatName;

    /// <summary>Version of the layout (1).</summary>
    public int Version { get; init; } = 1;

    /// <summary>File name of the model zip it describes.</summary>
    public required string Model { get; init; }

    /// <summary>"tiny", or the absolute path of the CLIP checkpoint.</summary>
    public required string Backbone { get; init; }

    /// <summary>Absolute path of CLIP's BPE vocabulary; null for "tiny".</summary>
    public string? Vocab { get; init; }

    /// <summary>Absolute path of the training checkpoint (trainable tensors after the last epoch).</summary>
    public required string Checkpoint { get; init; }

    /// <summary>SHA-256 (hex) of the checkpoint when the model was saved.</summary>
    public required string CheckpointSha256 { get; init; }

    /// <summary>The training data, <c>&lt;kind&gt;:&lt;root&gt;</c>.</summary>
    public required string Data { get; init; }

    /// <summary>The classes trained on.</summary>
    public required IReadOnlyList<string> Classes { get; init; }

    /// <summary>Training images (anomalous included).</summary>
    public required int Images { get; init; }

    /// <summary>Anomalous training images.</summary>
    public required int AnomalousImages { get; init; }

    /// <summary>Input side S.</summary>
    public required int ImageSize { get; init; }

    /// <summary>Epochs trained.</summary>
    public required int Epochs { get; init; }

    /// <summary>Images per step.</summary>
    public required int BatchSize { get; init; }

    /// <summary>Seed of initialisation and shuffles.</summary>
    public required int Seed { get; init; }

    /// <summary>Training device.</summary>
    public required string Device { get; init; }

    /// <summary>Mean batch loss of the last epoch.</summary>
    public required double FinalLoss { get; init; }

    /// <summary>When training finished (UTC).</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>SHA-256 (lower-case hex) of a file.</summary>
    public static string Sha256Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>Writes the record atomically.</summary>
    public void Write(string path) => AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, Json) + "\n");

    /// <summary>Reads a record.</summary>
    /// <exception cref="DaClipFileFormatException">The file is not a training record.</exception>
    public static TrainingRecord Read(string path)
    {
        TrainingRecord? record;
        try
        {
            record = JsonSerializer.Deserialize<TrainingRecord>(File.ReadAllText(path), Json);
        }
        catch (JsonException e)
        {
            throw new DaClipFileFormatException(path, $"is not a daclip training record ({e.Message}). Train again with `daclip train`, or pass --backbone and --checkpoint.", e);
        }
        if (record is null || record.Format != FormatName)
            throw new DaClipFileFormatException(path, $"is not a daclip training record (format '{record?.Format}', expected '{FormatName}').");
        return record;
    }
}
