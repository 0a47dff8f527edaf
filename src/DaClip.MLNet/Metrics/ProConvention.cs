namespace DaClip.MLNet.Metrics;

/// <summary>
/// The three ways the anomaly-detection literature computes the area under the per-region-overlap (PRO) curve up to a
/// false-positive-rate limit (0.3 by default). They agree to about 0.005 on typical data; report which one a number uses.
/// See docs/metrics.md.
/// </summary>
public enum ProConvention
{
    /// <summary>
    /// The MVTec AD definition: one curve point per distinct score (a pixel is predicted anomalous when its score is
    /// &gt;= the threshold), the curve starts at (0, 0), trapezoid up to the limit with the PRO value at the limit linearly
    /// interpolated, area divided by the limit.
    /// </summary>
    Exact,

    /// <summary>
    /// AnomalyCLIP's <c>cal_pro_score</c>: 200 thresholds <c>np.arange(min, max, (max - min) / 200)</c>, a pixel is
    /// anomalous when its score is &gt; the threshold, only points with FPR &lt; limit are kept, their FPRs are rescaled to
    /// [0, 1] by min-max, then the trapezoid area (no interpolation at the limit, no division by it).
    /// </summary>
    AnomalyClip,

    /// <summary>
    /// anomalib's <c>AUPRO</c>: a ROC per region on (all normal pixels + that region) computed the torchmetrics way in
    /// float32, cut at the limit, resampled by index onto the grid defined by the global ROC, averaged over regions,
    /// trapezoid area divided by the last averaged FPR.
    /// </summary>
    Anomalib,
}
