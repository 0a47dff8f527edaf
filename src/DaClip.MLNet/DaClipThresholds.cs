namespace DaClip.MLNet;

/// <summary>
/// Threshold choices for the predicted label (<c>score &gt; threshold</c>). Pure functions over scores; the transformer's
/// <c>CalibrateThreshold</c> methods apply them and bake the result into the model.
/// </summary>
public static class DaClipThresholds
{
    /// <summary>
    /// The smallest threshold that flags at most <c>floor(rate · n)</c> of the <paramref name="normalScores"/>: with
    /// them sorted in decreasing order, the score at 0-based position <c>floor(rate · n)</c>, which is the empirical
    /// quantile 1 − rate. Ties are never split (a score equal to the threshold is not flagged), so fewer may be flagged
    /// when scores repeat. When the rate allows every image to be flagged, the largest float below the smallest score.
    /// </summary>
    /// <param name="normalScores">Scores of images known to be normal (finite).</param>
    /// <param name="maxFalsePositiveRate">Largest allowed fraction of flagged normal images, in [0, 1].</param>
    public static float ForFalsePositiveRate(IReadOnlyList<float> normalScores, double maxFalsePositiveRate)
    {
        ArgumentNullException.ThrowIfNull(normalScores);
        if (normalScores.Count == 0) throw new ArgumentException("No scores: give the scores of at least one normal image.", nameof(normalScores));
        if (!(maxFalsePositiveRate >= 0 && maxFalsePositiveRate <= 1))
            throw new ArgumentOutOfRangeException(nameof(maxFalsePositiveRate), maxFalsePositiveRate, "The false-positive rate must lie in [0, 1].");
        var sorted = CheckedSort(normalScores, nameof(normalScores));
        Array.Reverse(sorted);
        int allowed = (int)Math.Floor(maxFalsePositiveRate * sorted.Length + 1e-9);
        return allowed >= sorted.Length ? MathF.BitDecrement(sorted[^1]) : sorted[allowed];
    }

    /// <summary>
    /// The threshold with the largest F1 score of the anomalous class over all distinct cuts of the
    /// <paramref name="scores"/>: each cut lies halfway between two consecutive distinct scores (in float32), so
    /// everything above it is flagged. Ties in F1 go to the higher threshold.
    /// </summary>
    /// <returns>The threshold and its F1 score.</returns>
    public static (float Threshold, double F1) MaxF1(IReadOnlyList<float> scores, IReadOnlyList<bool> labels)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(labels);
        if (scores.Count != labels.Count) throw new ArgumentException($"{scores.Count} scores but {labels.Count} labels.", nameof(labels));
        int positives = labels.Count(l => l);
        if (positives == 0) throw new ArgumentException("No anomalous image among the labels: F1 needs at least one.", nameof(labels));
        CheckedSort(scores, nameof(scores));
        var order = Enumerable.Range(0, scores.Count).OrderByDescending(i => scores[i]).ToArray();
        double bestF1 = -1;
        float best = 0;
        int truePositives = 0, flagged = 0;
        for (int k = 0; k < order.Length; k++)
        {
            truePositives += labels[order[k]] ? 1 : 0;
            flagged++;
            if (k + 1 < order.Length && scores[order[k + 1]] == scores[order[k]]) continue;
            double f1 = 2.0 * truePositives / (flagged + positives);
            if (f1 > bestF1)
            {
                bestF1 = f1;
                float here = scores[order[k]];
                best = k + 1 < order.Length ? Between(scores[order[k + 1]], here) : MathF.BitDecrement(here);
            }
        }
        return (best, bestF1);
    }

    /// <summary>A float strictly between <paramref name="low"/> and <paramref name="high"/> (low &lt; high), near their midpoint.</summary>
    private static float Between(float low, float high)
    {
        float mid = (float)((low + (double)high) / 2);
        return mid > low && mid < high ? mid : low;
    }

    private static float[] CheckedSort(IReadOnlyList<float> scores, string name)
    {
        var sorted = scores.ToArray();
        foreach (var s in sorted)
            if (!float.IsFinite(s)) throw new ArgumentException($"The scores contain {s}; every score must be finite.", name);
        Array.Sort(sorted);
        return sorted;
    }
}
