namespace DaClip.MLNet.Metrics;

/// <summary>
/// Threshold-free metrics of a binary ranking, as scikit-learn defines them (<c>roc_auc_score</c>,
/// <c>average_precision_score</c>, the best F1 over <c>precision_recall_curve</c>), computed in double precision from a
/// <see cref="ScoreLevelTable"/>. A sample is predicted positive when its score is &gt;= the threshold; tied scores form
/// one threshold. Each metric is NaN when the table has no positive or (AUROC) no negative sample.
/// </summary>
public static class BinaryRankingMetrics
{
    /// <summary>
    /// Area under the ROC curve: the probability that a random positive scores above a random negative, ties counting
    /// one half (scikit-learn's <c>roc_auc_score</c>). Exact: the pair count is accumulated in 128-bit integers.
    /// </summary>
    public static double Auroc(ScoreLevelTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (table.NegativeCount == 0 || table.PositiveCount == 0) return double.NaN;
        var neg = table.Negatives;
        var pos = table.Positives;
        Int128 twiceArea = 0;
        long positivesAbove = 0;
        for (int i = 0; i < neg.Length; i++)
        {
            if (neg[i] != 0) twiceArea += (Int128)neg[i] * (2 * positivesAbove + pos[i]);
            positivesAbove += pos[i];
        }
        return (double)twiceArea / (2.0 * table.NegativeCount * table.PositiveCount);
    }

    /// <summary>
    /// Average precision, scikit-learn's <c>average_precision_score</c>: sum over thresholds of
    /// (R_n - R_{n-1}) P_n, a step-wise (not trapezoidal) area under the precision-recall curve.
    /// </summary>
    public static double AveragePrecision(ScoreLevelTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (table.PositiveCount == 0) return double.NaN;
        var neg = table.Negatives;
        var pos = table.Positives;
        double total = table.PositiveCount;
        double ap = 0, previousRecall = 0;
        long tp = 0, fp = 0;
        for (int i = 0; i < neg.Length; i++)
        {
            tp += pos[i];
            fp += neg[i];
            if (pos[i] == 0) continue;
            double recall = tp / total;
            ap += (recall - previousRecall) * ((double)tp / (tp + fp));
            previousRecall = recall;
        }
        return ap;
    }

    /// <summary>
    /// Best F1 over all thresholds: max over the precision-recall curve's points of 2PR / (P + R), 0 where P + R = 0.
    /// </summary>
    public static double F1Max(ScoreLevelTable table) => BestF1(table).F1;

    /// <summary>
    /// The threshold at which <see cref="F1Max(ScoreLevelTable)"/> is reached (samples scoring &gt;= it are predicted
    /// positive; the highest such threshold when several tie); NaN when the table has no positive sample.
    /// </summary>
    public static float F1MaxThreshold(ScoreLevelTable table)
    {
        var (_, level) = BestF1(table);
        return level < 0 ? float.NaN : table.Scores[level];
    }

    private static (double F1, int Level) BestF1(ScoreLevelTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (table.PositiveCount == 0) return (double.NaN, -1);
        var neg = table.Negatives;
        var pos = table.Positives;
        double total = table.PositiveCount;
        double best = 0;
        int bestLevel = -1;
        long tp = 0, fp = 0;
        for (int i = 0; i < neg.Length; i++)
        {
            tp += pos[i];
            fp += neg[i];
            double precision = (double)tp / (tp + fp);
            double recall = tp / total;
            double sum = precision + recall;
            if (sum <= 0) continue;
            double f1 = 2 * precision * recall / sum;
            if (f1 > best)
            {
                best = f1;
                bestLevel = i;
            }
        }
        return (best, bestLevel);
    }

    /// <summary><see cref="Auroc(ScoreLevelTable)"/> of binary-labelled scores.</summary>
    public static double Auroc(ReadOnlySpan<float> scores, ReadOnlySpan<bool> labels) => Auroc(ScoreLevelTable.FromScores(scores, labels));

    /// <summary><see cref="AveragePrecision(ScoreLevelTable)"/> of binary-labelled scores.</summary>
    public static double AveragePrecision(ReadOnlySpan<float> scores, ReadOnlySpan<bool> labels) => AveragePrecision(ScoreLevelTable.FromScores(scores, labels));

    /// <summary><see cref="F1Max(ScoreLevelTable)"/> of binary-labelled scores.</summary>
    public static double F1Max(ReadOnlySpan<float> scores, ReadOnlySpan<bool> labels) => F1Max(ScoreLevelTable.FromScores(scores, labels));
}
