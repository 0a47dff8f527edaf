namespace DaClip.MLNet.Metrics;

/// <summary>
/// The points of the MVTec AD PRO curve (<see cref="ProConvention.Exact"/>) up to an FPR limit: the origin, one point per
/// level whose FPR is at most the limit, then the point at the limit with its PRO value linearly interpolated. The
/// trapezoid area of the full set of points divided by the limit is <see cref="ProExact.Area"/>.
/// </summary>
public static class ProCurve
{
    /// <summary>The curve's points, the last one at X = <paramref name="fprLimit"/>; empty without normal pixels or without regions.</summary>
    /// <param name="table">Pixel table (<see cref="ScoreLevelTable.FromPixels"/> or a segmentation evaluator's).</param>
    /// <param name="fprLimit">Where the curve ends, in (0, 1]; 0.3 in the literature.</param>
    /// <param name="maxPoints">
    /// At most this many points (at least 3): points closer than 2 / (maxPoints - 2) in |dFPR| / limit + |dPRO| to the
    /// last kept point are dropped, the first and last always kept. <see cref="int.MaxValue"/> (default) keeps them all.
    /// </param>
    public static CurvePoint[] Compute(ScoreLevelTable table, double fprLimit = PerRegionOverlap.DefaultFprLimit, int maxPoints = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(table);
        PerRegionOverlap.ValidateLimit(fprLimit);
        CurveReducer.ValidateMaxPoints(maxPoints);
        if (table.NegativeCount == 0 || table.RegionCount == 0) return [];
        var scores = table.Scores;
        var reducer = new CurveReducer(maxPoints, fprLimit, 1, table.Count + 2);
        reducer.Add(new CurvePoint(0, 0, float.PositiveInfinity));
        var walk = new ProCurveWalk(table);
        double fpr0 = 0, pro0 = 0;
        while (walk.MoveNext(out double fpr1, out double pro1))
        {
            if (fpr1 <= fprLimit)
            {
                reducer.Add(new CurvePoint(fpr1, pro1, scores[walk.Level]));
                fpr0 = fpr1;
                pro0 = pro1;
                continue;
            }
            if (fpr0 < fprLimit)
                reducer.Add(new CurvePoint(fprLimit, ProCurveWalk.InterpolateAt(fprLimit, fpr0, pro0, fpr1, pro1), float.NaN));
            break;
        }
        return reducer.ToArray();
    }
}
