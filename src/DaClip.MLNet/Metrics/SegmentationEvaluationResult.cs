namespace DaClip.MLNet.Metrics;

/// <summary>The outcome of a <see cref="SegmentationEvaluator"/>: metrics per class and their mean over classes.</summary>
public sealed record SegmentationEvaluationResult
{
    /// <summary>How the pixels were held (exact or streaming histograms).</summary>
    public required SegmentationEvaluationMode Mode { get; init; }

    /// <summary>The FPR limit of the PRO areas.</summary>
    public required double FprLimit { get; init; }

    /// <summary>One entry per class, in the order the classes first appeared.</summary>
    public required IReadOnlyList<ClassSegmentationMetrics> PerClass { get; init; }

    /// <summary>Each metric averaged over the classes (the protocol of the zero-shot literature).</summary>
    public required SegmentationMetrics Mean { get; init; }
}
