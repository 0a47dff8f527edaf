namespace DaClip.MLNet.Metrics;

/// <summary>Area under the per-region-overlap curve in any of the three <see cref="ProConvention"/>s.</summary>
public static class PerRegionOverlap
{
    /// <summary>The FPR limit of the zero-shot anomaly-detection literature.</summary>
    public const double DefaultFprLimit = 0.3;

    /// <summary>
    /// The PRO area of a pixel table in <paramref name="convention"/> (see <see cref="ProExact"/>,
    /// <see cref="ProAnomalyClip"/>, <see cref="ProAnomalib"/>); NaN when the table has no normal pixel or no region.
    /// </summary>
    /// <param name="table">Pixel table (<see cref="ScoreLevelTable.FromPixels"/> or a segmentation evaluator's).</param>
    /// <param name="convention">Which definition.</param>
    /// <param name="fprLimit">Integration limit on the false-positive rate, in (0, 1].</param>
    /// <param name="anomalyClipSteps">Threshold count of the <see cref="ProConvention.AnomalyClip"/> convention.</param>
    public static double Area(ScoreLevelTable table, ProConvention convention, double fprLimit = DefaultFprLimit, int anomalyClipSteps = 200) =>
        convention switch
        {
            ProConvention.Exact => ProExact.Area(table, fprLimit),
            ProConvention.AnomalyClip => ProAnomalyClip.Area(table, fprLimit, anomalyClipSteps),
            ProConvention.Anomalib => ProAnomalib.Area(table, fprLimit),
            _ => throw new ArgumentOutOfRangeException(nameof(convention), convention, "Use Exact, AnomalyClip or Anomalib."),
        };

    internal static void ValidateLimit(double fprLimit)
    {
        if (!(fprLimit > 0 && fprLimit <= 1))
            throw new ArgumentOutOfRangeException(nameof(fprLimit), fprLimit, "The FPR limit must lie in (0, 1]; the literature uses 0.3.");
    }
}
