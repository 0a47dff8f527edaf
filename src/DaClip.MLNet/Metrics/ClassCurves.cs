namespace DaClip.MLNet.Metrics;

/// <summary>
/// The curves of one class behind its metrics, for plotting, and the F1-max operating points: the image ROC, the pixel
/// ROC and the MVTec AD PRO curve (<see cref="ProConvention.Exact"/>) up to the FPR limit. A curve is empty where its
/// metric is undefined (no normal or no anomalous sample, no region).
/// </summary>
public sealed record ClassCurves
{
    /// <summary>Default point budget of each curve when the evaluator thins them (<see cref="SegmentationEvaluator.EvaluateWithCurves"/>).</summary>
    public const int DefaultMaxPoints = 1000;

    /// <summary>The class name.</summary>
    public required string ClassName { get; init; }

    /// <summary>ROC of the image scores (<see cref="RocCurve"/>).</summary>
    public required IReadOnlyList<CurvePoint> ImageRoc { get; init; }

    /// <summary>ROC of the pixel scores.</summary>
    public required IReadOnlyList<CurvePoint> PixelRoc { get; init; }

    /// <summary>PRO curve up to <see cref="FprLimit"/> (<see cref="ProCurve"/>).</summary>
    public required IReadOnlyList<CurvePoint> Pro { get; init; }

    /// <summary>Where the PRO curve ends.</summary>
    public required double FprLimit { get; init; }

    /// <summary>Image score threshold of the image F1-max (<see cref="BinaryRankingMetrics.F1MaxThreshold"/>); NaN without anomalous images.</summary>
    public required float ImageF1Threshold { get; init; }

    /// <summary>Pixel score threshold of the pixel F1-max; NaN without anomalous pixels.</summary>
    public required float PixelF1Threshold { get; init; }
}
