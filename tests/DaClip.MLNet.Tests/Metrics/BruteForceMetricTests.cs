using DaClip.MLNet.Metrics;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Metrics;

/// <summary>
/// The level-table algorithms against direct definitions (pair counting, one pass over the pixels per threshold) on
/// small random sets with many ties and several regions per image.
/// </summary>
[TestClass]
public sealed class BruteForceMetricTests
{
    [TestMethod]
    [DataRow(1, 4), DataRow(2, 16), DataRow(3, 1000), DataRow(4, 3)]
    public void RankingMetricsMatchTheirDefinitions(int seed, int levels)
    {
        var random = new Random(seed);
        int n = 300;
        var scores = new float[n];
        var labels = new bool[n];
        for (int i = 0; i < n; i++)
        {
            labels[i] = random.NextDouble() < 0.3;
            scores[i] = random.Next(levels) / (float)levels + (labels[i] ? 0.2f : 0f);
        }

        double pairs = 0;
        int positives = labels.Count(l => l), negatives = n - positives;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                if (labels[i] && !labels[j]) pairs += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
        Assert.AreEqual(pairs / positives / negatives, BinaryRankingMetrics.Auroc(scores, labels), 1e-12, "AUROC");

        double ap = 0, previousRecall = 0, bestF1 = 0;
        foreach (float t in scores.Distinct().OrderByDescending(s => s))
        {
            int tp = 0, fp = 0;
            for (int i = 0; i < n; i++)
                if (scores[i] >= t) { if (labels[i]) tp++; else fp++; }
            double precision = (double)tp / (tp + fp), recall = (double)tp / positives;
            ap += (recall - previousRecall) * precision;
            previousRecall = recall;
            if (precision + recall > 0) bestF1 = Math.Max(bestF1, 2 * precision * recall / (precision + recall));
        }
        Assert.AreEqual(ap, BinaryRankingMetrics.AveragePrecision(scores, labels), 1e-12, "AP");
        Assert.AreEqual(bestF1, BinaryRankingMetrics.F1Max(scores, labels), 1e-12, "F1-max");
    }

    [TestMethod]
    [DataRow(1, 8), DataRow(2, 64), DataRow(3, 100000), DataRow(4, 5)]
    public void ProMatchesItsDefinitions(int seed, int levels)
    {
        var random = new Random(seed);
        const int images = 6, height = 12, width = 10, n = height * width;
        var scores = new float[images * n];
        var ids = new int[images * n];
        var labels = new int[n];
        int regions = 0;
        for (int i = 0; i < images; i++)
        {
            var mask = new byte[n];
            if (i % 3 != 0)
                for (int b = 0; b < 3; b++)
                {
                    int y = random.Next(height - 2), x = random.Next(width - 2);
                    mask[y * width + x] = mask[(y + 1) * width + x + 1] = 1;
                    if (random.NextDouble() < 0.5) mask[y * width + x + 1] = 1;
                }
            int count = ConnectedComponents.Label8(mask, height, width, labels);
            for (int p = 0; p < n; p++)
            {
                ids[i * n + p] = labels[p] == 0 ? 0 : labels[p] + regions;
                scores[i * n + p] = random.Next(levels) / (float)levels + (mask[p] != 0 ? 0.15f : 0f) - 0.05f;
            }
            regions += count;
        }
        var table = ScoreLevelTable.FromPixels(scores, ids);
        var sizes = ConnectedComponents.RegionSizes(ids, regions);
        long normal = ids.Count(id => id == 0);

        (double Fpr, double Pro) Point(Func<float, bool> predicted)
        {
            var hit = new int[regions];
            long fp = 0;
            for (int p = 0; p < scores.Length; p++)
            {
                if (!predicted(scores[p])) continue;
                if (ids[p] == 0) fp++; else hit[ids[p] - 1]++;
            }
            double pro = 0;
            for (int r = 0; r < regions; r++) pro += (double)hit[r] / sizes[r];
            return ((double)fp / normal, pro / regions);
        }

        // Exact: every distinct score, >= t, from (0, 0), interpolated at 0.3, / 0.3.
        var curve = new List<(double Fpr, double Pro)> { (0, 0) };
        curve.AddRange(scores.Distinct().OrderByDescending(s => s).Select(t => Point(s => s >= t)));
        double area = 0;
        for (int k = 1; k < curve.Count; k++)
        {
            var (f0, p0) = curve[k - 1];
            var (f1, p1) = curve[k];
            if (f1 <= 0.3) { area += (f1 - f0) * (p0 + p1) / 2; continue; }
            double atLimit = p0 + (p1 - p0) * (0.3 - f0) / (f1 - f0);
            area += (0.3 - f0) * (p0 + atLimit) / 2;
            break;
        }
        Assert.AreEqual(area / 0.3, ProExact.Area(table), 1e-12, "PRO exact");

        // AnomalyCLIP: 200 thresholds, > th, FPR < 0.3 kept, min-max rescaled, trapezoid.
        var kept = ProAnomalyClip.Thresholds(scores.Min(), scores.Max())
            .Select(th => Point(s => s > th)).Where(pt => pt.Fpr < 0.3).ToList();
        double min = kept.Min(pt => pt.Fpr), max = kept.Max(pt => pt.Fpr), clip = 0;
        for (int k = 1; k < kept.Count; k++)
            clip += ((kept[k - 1].Fpr - min) / (max - min) - (kept[k].Fpr - min) / (max - min)) * (kept[k - 1].Pro + kept[k].Pro) / 2;
        Assert.AreEqual(clip, ProAnomalyClip.Area(table), 1e-12, "PRO AnomalyCLIP");

        // anomalib approximates the exact area.
        Assert.AreEqual(area / 0.3, ProAnomalib.Area(table), 0.02, "PRO anomalib");
    }

    [TestMethod]
    public void ScoreKeysPreserveTheOrderOfFloats()
    {
        var random = new Random(7);
        var values = Enumerable.Range(0, 2000).Select(_ => (float)((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-40, 39))))
            .Concat([0f, -0f, float.Epsilon, -float.Epsilon, float.MaxValue, float.MinValue, 1f, -1f]).ToArray();
        var byKey = values.OrderBy(ScoreKeys.ToKey).ToArray();
        var byValue = values.OrderBy(v => v).ToArray();
        for (int i = 0; i < values.Length; i++) Assert.AreEqual(byValue[i], byKey[i], $"position {i}");
        foreach (var v in values) Assert.AreEqual(v == 0 ? 0f : v, ScoreKeys.FromKey(ScoreKeys.ToKey(v)));
        Assert.AreEqual(ScoreKeys.ToKey(0f), ScoreKeys.ToKey(-0f), "-0 and +0 tie");
    }
}
