namespace DaClip.MLNet.Metrics;

/// <summary>
/// The MVTec AD definition of the area under the PRO curve (<see cref="ProConvention.Exact"/>), in double precision:
/// for every level t (pixel predicted anomalous when its score is &gt;= t), FPR(t) = normal pixels predicted anomalous /
/// all normal pixels and PRO(t) = mean over regions of the predicted fraction of the region; the curve starts at (0, 0);
/// trapezoid up to FPR = limit with the PRO value at the limit linearly interpolated between the last point with
/// FPR &lt;= limit and the next one; area divided by the limit. <see cref="ProCurve.Compute"/> returns the same curve's points.
/// </summary>
public static class ProExact
{
    /// <summary>Normalised area in [0, 1]; NaN without normal pixels or without regions.</summary>
    public static double Area(ScoreLevelTable table, double fprLimit = 0.3)
    {
        ArgumentNullException.ThrowIfNull(table);
        PerRegionOverlap.ValidateLimit(fprLimit);
        if (table.NegativeCount == 0 || table.RegionCount == 0) return double.NaN;
        var walk = new ProCurveWalk(table);
        double fpr0 = 0, pro0 = 0, area = 0;
        while (walk.MoveNext(out double fpr1, out double pro1))
        {
            if (fpr1 <= fprLimit)
            {
                area += 0.5 * (pro1 + pro0) * (fpr1 - fpr0);
                fpr0 = fpr1;
                pro0 = pro1;
                continue;
            }
            double proAtLimit = ProCurveWalk.InterpolateAt(fprLimit, fpr0, pro0, fpr1, pro1);
            area += 0.5 * (proAtLimit + pro0) * (fprLimit - fpr0);
            break;
        }
        return area / fprLimit;
    }
}
