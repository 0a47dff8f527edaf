namespace DaClip.MLNet.Metrics;

/// <summary>
/// The image- and pixel-level metrics of zero-shot anomaly detection for one class, or their mean over classes. NaN
/// marks a metric that is undefined on the data: image metrics without anomalous (or, for AUROC, without normal)
/// images, pixel metrics without anomalous (or normal) pixels, PRO without regions, and the PRO conventions' own
/// degenerate cases (see <see cref="ProAnomalyClip"/> and <see cref="ProAnomalib"/>).
/// </summary>
public sealed record SegmentationMetrics
{
    /// <summary>Image AUROC of the image scores (ties count one half).</summary>
    public required double ImageAuroc { get; init; }

    /// <summary>Image average precision (scikit-learn's step-wise AP).</summary>
    public required double ImageAveragePrecision { get; init; }

    /// <summary>Image F1-max: best F1 over all thresholds.</summary>
    public required double ImageF1Max { get; init; }

    /// <summary>Pixel AUROC over all pixels of all images.</summary>
    public required double PixelAuroc { get; init; }

    /// <summary>Pixel average precision.</summary>
    public required double PixelAveragePrecision { get; init; }

    /// <summary>Pixel F1-max.</summary>
    public required double PixelF1Max { get; init; }

    /// <summary>PRO area in the <see cref="ProConvention.Exact"/> convention (MVTec AD definition).</summary>
    public required double PixelAuproExact { get; init; }

    /// <summary>PRO area in the <see cref="ProConvention.AnomalyClip"/> convention (AnomalyCLIP's metrics.py).</summary>
    public required double PixelAuproAnomalyClip { get; init; }

    /// <summary>PRO area in the <see cref="ProConvention.Anomalib"/> convention (anomalib's AUPRO).</summary>
    public required double PixelAuproAnomalib { get; init; }

    /// <summary>The PRO area in <paramref name="convention"/>.</summary>
    public double GetPixelAupro(ProConvention convention) => convention switch
    {
        ProConvention.Exact => PixelAuproExact,
        ProConvention.AnomalyClip => PixelAuproAnomalyClip,
        ProConvention.Anomalib => PixelAuproAnomalib,
        _ => throw new ArgumentOutOfRangeException(nameof(convention), convention, "Use Exact, AnomalyClip or Anomalib."),
    };

    /// <summary>Arithmetic mean of each metric over <paramref name="metrics"/> (the literature's per-class protocol); a NaN in any class makes that mean NaN.</summary>
    public static SegmentationMetrics Mean(IReadOnlyCollection<SegmentationMetrics> metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        double M(Func<SegmentationMetrics, double> f) => metrics.Count == 0 ? double.NaN : metrics.Sum(f) / metrics.Count;
        return new SegmentationMetrics
        {
            ImageAuroc = M(m => m.ImageAuroc),
            ImageAveragePrecision = M(m => m.ImageAveragePrecision),
            ImageF1Max = M(m => m.ImageF1Max),
            PixelAuroc = M(m => m.PixelAuroc),
            PixelAveragePrecision = M(m => m.PixelAveragePrecision),
            PixelF1Max = M(m => m.PixelF1Max),
            PixelAuproExact = M(m => m.PixelAuproExact),
            PixelAuproAnomalyClip = M(m => m.PixelAuproAnomalyClip),
            PixelAuproAnomalib = M(m => m.PixelAuproAnomalib),
        };
    }
}
