namespace DaClip.Cli.Common;

/// <summary>
/// One scored image in a predictions folder (<c>daclip predict --data ... --out dir</c>): a JSON line of the shard's
/// <c>.jsonl</c> file.
/// </summary>
internal sealed record PredictionRecord
{
    /// <summary>Position of the image in the whole dataset's listing (the order <c>daclip test</c> scores in).</summary>
    public required int Index { get; init; }

    /// <summary>Path relative to the dataset root, '/' separators: what the shard hash is computed from.</summary>
    public required string Path { get; init; }

    /// <summary>Absolute path of the image.</summary>
    public required string Image { get; init; }

    /// <summary>The image's class.</summary>
    public required string Class { get; init; }

    /// <summary>Ground truth: true when the dataset marks the image anomalous.</summary>
    public required bool Label { get; init; }

    /// <summary>Absolute path of the ground-truth mask, or null.</summary>
    public string? Mask { get; init; }

    /// <summary>The image anomaly score.</summary>
    public required float Score { get; init; }

    /// <summary>The verdict at <see cref="Threshold"/>.</summary>
    public required bool Anomalous { get; init; }

    /// <summary>The threshold of the verdict.</summary>
    public required float Threshold { get; init; }

    /// <summary>Position of the image's S x S float32 anomaly map in the maps file, or null when maps were not written.</summary>
    public long? Map { get; init; }

    /// <summary>Absolute path of the heatmap overlay PNG, or null.</summary>
    public string? Heatmap { get; init; }
}
