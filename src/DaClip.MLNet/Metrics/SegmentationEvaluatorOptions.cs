namespace DaClip.MLNet.Metrics;

/// <summary>Options of a <see cref="SegmentationEvaluator"/>; read once when the evaluator is created.</summary>
public sealed class SegmentationEvaluatorOptions
{
    /// <summary>Exact (default) or bounded-memory streaming evaluation.</summary>
    public SegmentationEvaluationMode Mode { get; set; } = SegmentationEvaluationMode.Exact;

    /// <summary>False-positive-rate limit of the PRO areas, in (0, 1]. Default 0.3, as in the literature.</summary>
    public double FprLimit { get; set; } = PerRegionOverlap.DefaultFprLimit;

    /// <summary>Threshold count of the <see cref="ProConvention.AnomalyClip"/> PRO. Default 200, AnomalyCLIP's <c>max_step</c>.</summary>
    public int AnomalyClipThresholdCount { get; set; } = 200;

    /// <summary>
    /// Streaming mode only: float32 mantissa bits a histogram bin keeps, 4..20. Default 16: bins of relative width
    /// 2^-16 (1.5e-5), 512 KiB per touched (sign, exponent) page and class (maps in [1e-6, 1] touch at most 21 pages).
    /// Each further bit halves the bin width and doubles the page size; docs/metrics.md lists the measured errors.
    /// </summary>
    public int StreamingMantissaBits { get; set; } = 16;
}
