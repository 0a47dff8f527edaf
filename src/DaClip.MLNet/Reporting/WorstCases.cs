namespace DaClip.MLNet.Reporting;

/// <summary>
/// Which images a report shows per class: the worst false positives are the normal images with the highest scores, the
/// worst false negatives the anomalous images with the lowest scores; equal scores go in input order. One rule for
/// <see cref="AnomalyReport"/> (choosing) and <see cref="AnomalyReportBuilder"/> (keeping the pixels of the candidates).
/// </summary>
internal static class WorstCases
{
    /// <summary>Orders candidates best-shown first: normal images by descending score, anomalous ones by ascending score, then by index.</summary>
    public static int Compare(bool anomalous, (float Score, int Index) a, (float Score, int Index) b)
    {
        int byScore = anomalous ? a.Score.CompareTo(b.Score) : b.Score.CompareTo(a.Score);
        return byScore != 0 ? byScore : a.Index.CompareTo(b.Index);
    }

    /// <summary>The indices (into <paramref name="images"/>) shown for <paramref name="className"/>, worst first.</summary>
    public static (List<int> FalsePositives, List<int> FalseNegatives) Select(IReadOnlyList<AnomalyReportImage> images, string className, int count)
    {
        var normal = new List<(float Score, int Index)>();
        var anomalous = new List<(float Score, int Index)>();
        for (int i = 0; i < images.Count; i++)
        {
            if (!string.Equals(images[i].ClassName, className, StringComparison.Ordinal)) continue;
            (images[i].IsAnomalous ? anomalous : normal).Add((images[i].Score, i));
        }
        normal.Sort((a, b) => Compare(false, a, b));
        anomalous.Sort((a, b) => Compare(true, a, b));
        return (normal.Take(count).Select(c => c.Index).ToList(), anomalous.Take(count).Select(c => c.Index).ToList());
    }
}
