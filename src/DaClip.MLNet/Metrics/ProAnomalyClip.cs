namespace DaClip.MLNet.Metrics;

/// <summary>
/// AnomalyCLIP's PRO area (<see cref="ProConvention.AnomalyClip"/>, <c>cal_pro_score(masks, maps, max_step=200,
/// expect_fpr=0.3)</c> of its metrics.py), in double precision.
/// </summary>
public static class ProAnomalyClip
{
    /// <summary>
    /// The thresholds AnomalyCLIP sweeps: NumPy's <c>np.arange(min, max, (max - min) / steps)</c> in float64, reproduced
    /// bit for bit: length ceil((max - min) / step), first value min, second min + step, then min + i * ((min + step) - min).
    /// The maximum itself is normally not included. Empty when max &lt;= min.
    /// </summary>
    public static double[] Thresholds(double min, double max, int steps = 200)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        if (!(max > min)) return [];
        double step = (max - min) / steps;
        double length = Math.Ceiling((max - min) / step);
        var thresholds = new double[(int)length];
        thresholds[0] = min;
        if (thresholds.Length > 1) thresholds[1] = min + step;
        double delta = (min + step) - min;
        for (int i = 2; i < thresholds.Length; i++) thresholds[i] = min + i * delta;
        return thresholds;
    }

    /// <summary>
    /// The area: for each threshold th of <see cref="Thresholds"/> (from the table's exact min and max), pixels with score
    /// &gt; th are predicted anomalous; PRO = mean over all regions of the predicted fraction, FPR over all normal pixels;
    /// the points with FPR &lt; <paramref name="fprLimit"/> are kept, their FPRs rescaled to [0, 1] by
    /// (fpr - min) / (max - min), and the trapezoid area taken in threshold order. NaN when it is undefined (no normal
    /// pixel, no region, constant scores, fewer than two kept points or all kept FPRs equal), where AnomalyCLIP's code
    /// fails or returns NaN.
    /// </summary>
    /// <remarks>
    /// For a binned table the level scores are the bins' lower bounds, so a bin that straddles a threshold counts as
    /// entirely below it.
    /// </remarks>
    public static double Area(ScoreLevelTable table, double fprLimit = 0.3, int steps = 200)
    {
        ArgumentNullException.ThrowIfNull(table);
        PerRegionOverlap.ValidateLimit(fprLimit);
        if (table.NegativeCount == 0 || table.RegionCount == 0) return double.NaN;
        var thresholds = Thresholds(table.MinScore, table.MaxScore, steps);
        int count = thresholds.Length;
        if (count == 0) return double.NaN;

        var scores = table.Scores;
        var neg = table.Negatives;
        var fractions = table.RegionFractions;
        var fprs = new double[count];
        var pros = new double[count];
        long falsePositives = 0;
        double fractionSum = 0;
        int level = 0;
        for (int i = count - 1; i >= 0; i--)
        {
            while (level < scores.Length && scores[level] > thresholds[i])
            {
                falsePositives += neg[level];
                fractionSum += fractions[level];
                level++;
            }
            fprs[i] = (double)falsePositives / table.NegativeCount;
            pros[i] = fractionSum / table.RegionCount;
        }

        double minFpr = double.PositiveInfinity, maxFpr = double.NegativeInfinity;
        int kept = 0;
        for (int i = 0; i < count; i++)
        {
            if (!(fprs[i] < fprLimit)) continue;
            fprs[kept] = fprs[i];
            pros[kept] = pros[i];
            minFpr = Math.Min(minFpr, fprs[i]);
            maxFpr = Math.Max(maxFpr, fprs[i]);
            kept++;
        }
        if (kept < 2 || !(maxFpr > minFpr)) return double.NaN;

        double range = maxFpr - minFpr, area = 0;
        for (int i = 0; i + 1 < kept; i++)
        {
            double x0 = (fprs[i] - minFpr) / range, x1 = (fprs[i + 1] - minFpr) / range;
            area += (x1 - x0) * (pros[i + 1] + pros[i]) / 2.0;
        }
        // The FPRs fall as the threshold rises, so the trapezoid runs right to left (scikit-learn's auc flips the sign).
        return -area;
    }
}
