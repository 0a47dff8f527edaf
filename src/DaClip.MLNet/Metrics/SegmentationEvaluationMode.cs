namespace DaClip.MLNet.Metrics;

/// <summary>How a <see cref="SegmentationEvaluator"/> holds the pixels until it computes the metrics.</summary>
public enum SegmentationEvaluationMode
{
    /// <summary>
    /// Every pixel score is kept (4 bytes per normal pixel, in sorted 1M-key chunks, plus the distinct scores of each
    /// region); the metrics match scikit-learn, MVTec, AnomalyCLIP and anomalib on the same float32 maps. Memory grows
    /// with the pixels: 2,000 maps of 518 x 518 hold 2.2 GB, and building one class's table needs about 30 bytes per
    /// distinct score of that class on top (docs/benchmarks.md).
    /// </summary>
    Exact,

    /// <summary>
    /// Normal-pixel scores are counted in histograms whose bins have relative width 2^-m
    /// (<see cref="SegmentationEvaluatorOptions.StreamingMantissaBits"/>), so memory does not grow with the number of
    /// normal pixels; regions keep their distinct bins. Scores inside one bin count as ties. Measured against the exact
    /// mode: pixel AUROC and the Exact PRO within 1e-6, AP, F1-max and the AnomalyCLIP PRO within 1e-5, the anomalib PRO
    /// within about 1e-4 (its index resampling depends on how many distinct scores there are); docs/metrics.md.
    /// </summary>
    Streaming,
}
