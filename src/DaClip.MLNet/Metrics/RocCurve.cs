namespace DaClip.MLNet.Metrics;

/// <summary>
/// The ROC curve of a <see cref="ScoreLevelTable"/>: the origin, then one point per level, highest score first, with
/// X = negatives at or above the level / all negatives and Y = positives at or above the level / all positives. Its
/// trapezoid area is <see cref="BinaryRankingMetrics.Auroc(ScoreLevelTable)"/> (tied scores form one level, so a tie is the
/// diagonal segment that counts one half).
/// </summary>
public static class RocCurve
{
    /// <summary>
    /// The curve's points, ending at (1, 1); empty when the table has no positive or no negative sample.
    /// </summary>
    /// <param name="table">Image or pixel table.</param>
    /// <param name="maxPoints">
    /// At most this many points (at least 3): points closer than 2 / (maxPoints - 2) in |dFPR| + |dTPR| to the last
    /// kept point are dropped, the first and last always kept. <see cref="int.MaxValue"/> (default) keeps them all.
    /// </param>
    public static CurvePoint[] Compute(ScoreLevelTable table, int maxPoints = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(table);
        CurveReducer.ValidateMaxPoints(maxPoints);
        if (table.NegativeCount == 0 || table.PositiveCount == 0) return [];
        var neg = table.Negatives;
        var pos = table.Positives;
        var scores = table.Scores;
        double negatives = table.NegativeCount, positives = table.PositiveCount;
        var reducer = new CurveReducer(maxPoints, 1, 1, table.Count + 1);
        reducer.Add(new CurvePoint(0, 0, float.PositiveInfinity));
        long fp = 0, tp = 0;
        for (int i = 0; i < neg.Length; i++)
        {
            fp += neg[i];
            tp += pos[i];
            reducer.Add(new CurvePoint(fp / negatives, tp / positives, scores[i]));
        }
        return reducer.ToArray();
    }
}
