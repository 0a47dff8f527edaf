namespace DaClip.MLNet.Metrics;

/// <summary>One test image for a <see cref="SegmentationEvaluator"/>.</summary>
public sealed record SegmentationSample
{
    /// <summary>Class (object category) the image belongs to; metrics are computed per class.</summary>
    public required string ClassName { get; init; }

    /// <summary>Ground-truth image label: true for an anomalous image.</summary>
    public required bool IsAnomalous { get; init; }

    /// <summary>The image-level anomaly score.</summary>
    public required float ImageScore { get; init; }

    /// <summary>Pixel anomaly scores, row-major, <see cref="Height"/> x <see cref="Width"/>.</summary>
    public required float[] AnomalyMap { get; init; }

    /// <summary>Ground-truth mask, row-major, non-zero = anomalous; null (or all zero) for an image without anomalous pixels.</summary>
    public byte[]? Mask { get; init; }

    /// <summary>Rows of the map and mask.</summary>
    public required int Height { get; init; }

    /// <summary>Columns of the map and mask.</summary>
    public required int Width { get; init; }
}
