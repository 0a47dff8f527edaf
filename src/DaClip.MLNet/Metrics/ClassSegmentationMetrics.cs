namespace DaClip.MLNet.Metrics;

/// <summary>The metrics of one class with the counts they were computed from.</summary>
public sealed record ClassSegmentationMetrics
{
    /// <summary>The class (object category) name.</summary>
    public required string ClassName { get; init; }

    /// <summary>Images of the class.</summary>
    public required int ImageCount { get; init; }

    /// <summary>Images labelled anomalous.</summary>
    public required int AnomalousImageCount { get; init; }

    /// <summary>Pixels outside every ground-truth region.</summary>
    public required long NormalPixelCount { get; init; }

    /// <summary>Pixels inside the ground-truth regions.</summary>
    public required long AnomalousPixelCount { get; init; }

    /// <summary>Ground-truth regions (8-connected components, counted per image).</summary>
    public required int RegionCount { get; init; }

    /// <summary>The metric values.</summary>
    public required SegmentationMetrics Metrics { get; init; }
}
