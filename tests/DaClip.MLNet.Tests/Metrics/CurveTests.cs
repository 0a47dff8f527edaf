using DaClip.MLNet.Metrics;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Metrics;

/// <summary>
/// <see cref="RocCurve"/>, <see cref="ProCurve"/> and <see cref="BinaryRankingMetrics.F1MaxThreshold"/> against hand-worked
/// points and brute force, their areas against <see cref="BinaryRankingMetrics.Auroc(ScoreLevelTable)"/> and
/// <see cref="ProExact.Area"/>, and the curves of <see cref="SegmentationEvaluator.EvaluateWithCurves"/>.
/// </summary>
[TestClass]
public sealed class CurveTests
{
    [TestMethod]
    public void RocPointsOfAHandWorkedCase()
    {
        // Positives 0.9, 0.8, 0.3; negatives 0.8, 0.5, 0.1: 0.8 is a tie of one positive and one negative.
        float[] scores = [0.9f, 0.8f, 0.8f, 0.5f, 0.3f, 0.1f];
        bool[] labels = [true, false, true, false, true, false];
        var points = RocCurve.Compute(ScoreLevelTable.FromScores(scores, labels));
        (double X, double Y, float T)[] expected =
        [
            (0, 0, float.PositiveInfinity), (0, 1 / 3.0, 0.9f), (1 / 3.0, 2 / 3.0, 0.8f), (2 / 3.0, 2 / 3.0, 0.5f), (2 / 3.0, 1, 0.3f), (1, 1, 0.1f),
        ];
        Assert.HasCount(expected.Length, points);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.AreEqual(expected[i].X, points[i].X, 1e-15, $"x{i}");
            Assert.AreEqual(expected[i].Y, points[i].Y, 1e-15, $"y{i}");
            Assert.AreEqual(expected[i].T, points[i].Threshold, $"threshold {i}");
        }
        // Pairs: 0.9 beats 3 negatives, 0.8 beats 2 and ties 1, 0.3 beats 1: 6.5 / 9 = 13 / 18.
        Assert.AreEqual(13 / 18.0, Trapezoid(points), 1e-15);
        Assert.AreEqual(13 / 18.0, BinaryRankingMetrics.Auroc(scores, labels), 1e-15);
    }

    [TestMethod]
    [DataRow(1, 200, 1000), DataRow(2, 5000, 7), DataRow(3, 3000, 100000)]
    public void RocAreaIsTheAuroc(int seed, int count, int levels)
    {
        var random = new Random(seed);
        var scores = new float[count];
        var labels = new bool[count];
        for (int i = 0; i < count; i++)
        {
            labels[i] = random.NextDouble() < 0.3;
            scores[i] = (random.Next(levels) + (labels[i] ? levels / 3 : 0)) / (float)levels;
        }
        var table = ScoreLevelTable.FromScores(scores, labels);
        var points = RocCurve.Compute(table);
        Assert.HasCount(table.Count + 1, points);
        Assert.AreEqual(BinaryRankingMetrics.Auroc(table), Trapezoid(points), 1e-12);
        Assert.AreEqual(new CurvePoint(1, 1, table.Scores[^1]), points[^1]);
    }

    [TestMethod]
    [DataRow(3), DataRow(10), DataRow(100)]
    public void ThinnedRocKeepsItsEndsStaysWithinBudgetAndCloseInArea(int maxPoints)
    {
        var samples = SyntheticSegmentationData.Create(12, 40, 40, seed: 5);
        var table = PixelTable(samples);
        var all = RocCurve.Compute(table);
        var thin = RocCurve.Compute(table, maxPoints);
        Assert.IsLessThanOrEqualTo(maxPoints, thin.Length);
        Assert.AreEqual(all[0], thin[0]);
        Assert.AreEqual(all[^1], thin[^1]);
        var set = all.ToHashSet();
        foreach (var p in thin) Assert.Contains(p, set);
        double step = 2.0 / (maxPoints - 2);
        Assert.AreEqual(BinaryRankingMetrics.Auroc(table), Trapezoid(thin), step);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => RocCurve.Compute(table, 2));
    }

    [TestMethod]
    public void RocIsEmptyWithoutPositivesOrNegatives()
    {
        Assert.IsEmpty(RocCurve.Compute(ScoreLevelTable.FromScores([0.1f, 0.2f], [false, false])));
        Assert.IsEmpty(RocCurve.Compute(ScoreLevelTable.FromScores([0.1f, 0.2f], [true, true])));
    }

    [TestMethod]
    public void ProPointsMatchBruteForce()
    {
        // Two 4 x 5 images; regions: a 3-pixel one and a 2-pixel one in image 0, a single pixel in image 1.
        var random = new Random(9);
        const int n = 40;
        var scores = new float[n];
        var ids = new int[n];
        int[][] regions = [[1, 2, 6], [13, 14], [27]];
        for (int r = 0; r < regions.Length; r++)
            foreach (int p in regions[r]) ids[p] = r + 1;
        for (int p = 0; p < n; p++) scores[p] = random.Next(12) / 12f + (ids[p] != 0 ? 0.2f : 0f);

        const double limit = 0.3;
        var points = ProCurve.Compute(ScoreLevelTable.FromPixels(scores, ids), limit);

        var thresholds = scores.Distinct().OrderByDescending(s => s).ToArray();
        int normal = ids.Count(id => id == 0);
        var expected = new List<(double Fpr, double Pro, float T)> { (0, 0, float.PositiveInfinity) };
        foreach (float t in thresholds)
        {
            double fpr = Enumerable.Range(0, n).Count(p => ids[p] == 0 && scores[p] >= t) / (double)normal;
            double pro = regions.Average(region => region.Count(p => scores[p] >= t) / (double)region.Length);
            if (fpr <= limit)
            {
                expected.Add((fpr, pro, t));
                continue;
            }
            var (f0, p0, _) = expected[^1];
            expected.Add((limit, p0 + (pro - p0) * (limit - f0) / (fpr - f0), float.NaN));
            break;
        }
        Assert.HasCount(expected.Count, points);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.AreEqual(expected[i].Fpr, points[i].X, 1e-12, $"fpr {i}");
            Assert.AreEqual(expected[i].Pro, points[i].Y, 1e-12, $"pro {i}");
            Assert.AreEqual(expected[i].T, points[i].Threshold, $"threshold {i}");
        }
    }

    [TestMethod]
    [DataRow(11, 0.3), DataRow(12, 0.05), DataRow(13, 1.0)]
    public void ProAreaIsProExact(int seed, double limit)
    {
        var table = PixelTable(SyntheticSegmentationData.Create(16, 48, 40, seed));
        var points = ProCurve.Compute(table, limit);
        Assert.AreEqual(new CurvePoint(0, 0, float.PositiveInfinity), points[0]);
        Assert.AreEqual(limit, points[^1].X, 1e-15);
        for (int i = 1; i < points.Length; i++)
        {
            Assert.IsGreaterThanOrEqualTo(points[i - 1].X, points[i].X);
            Assert.IsGreaterThanOrEqualTo(points[i - 1].Y, points[i].Y);
        }
        Assert.AreEqual(ProExact.Area(table, limit), Trapezoid(points) / limit, 1e-12);

        var thin = ProCurve.Compute(table, limit, 50);
        Assert.IsLessThanOrEqualTo(50, thin.Length);
        Assert.AreEqual(points[^1], thin[^1]);
        Assert.AreEqual(ProExact.Area(table, limit), Trapezoid(thin) / limit, 2.0 / 48);
    }

    [TestMethod]
    public void ProIsEmptyWithoutRegions() =>
        Assert.IsEmpty(ProCurve.Compute(ScoreLevelTable.FromPixels([0.1f, 0.5f], [0, 0])));

    [TestMethod]
    [DataRow(21), DataRow(22), DataRow(23)]
    public void F1MaxThresholdIsTheHighestThresholdReachingTheMaximum(int seed)
    {
        var random = new Random(seed);
        const int count = 300;
        var scores = new float[count];
        var labels = new bool[count];
        for (int i = 0; i < count; i++)
        {
            labels[i] = random.NextDouble() < 0.4;
            scores[i] = random.Next(40) / 40f + (labels[i] ? 0.2f : 0f);
        }
        double best = -1;
        float bestThreshold = float.NaN;
        int positives = labels.Count(l => l);
        foreach (float t in scores.Distinct().OrderByDescending(s => s))
        {
            int tp = 0, fp = 0;
            for (int i = 0; i < count; i++)
                if (scores[i] >= t) { if (labels[i]) tp++; else fp++; }
            double precision = (double)tp / (tp + fp), recall = tp / (double)positives;
            double f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0;
            if (f1 > best + 1e-12) { best = f1; bestThreshold = t; }
        }
        var table = ScoreLevelTable.FromScores(scores, labels);
        Assert.AreEqual(best, BinaryRankingMetrics.F1Max(table), 1e-12);
        Assert.AreEqual(bestThreshold, BinaryRankingMetrics.F1MaxThreshold(table));
        Assert.IsTrue(float.IsNaN(BinaryRankingMetrics.F1MaxThreshold(ScoreLevelTable.FromScores([0.3f], [false]))));
    }

    [TestMethod]
    public void EvaluatorCurvesComeFromTheSameTablesAsItsMetrics()
    {
        var samples = SyntheticSegmentationData.Create(30, 24, 20, seed: 31, classes: 2);
        var evaluator = new SegmentationEvaluator();
        foreach (var s in samples) evaluator.Add(s);
        var plain = evaluator.Evaluate();
        var (result, curves) = evaluator.EvaluateWithCurves(200);
        Assert.AreEqual(plain.Mean, result.Mean);
        Assert.HasCount(2, curves);
        for (int c = 0; c < 2; c++)
        {
            var name = result.PerClass[c].ClassName;
            Assert.AreEqual(name, curves[c].ClassName);
            var ofClass = samples.Where(s => s.ClassName == name).ToList();
            var images = ScoreLevelTable.FromScores(ofClass.Select(s => s.ImageScore).ToArray(), ofClass.Select(s => s.IsAnomalous).ToArray());
            var pixels = PixelTable(ofClass);
            CollectionAssert.AreEqual(RocCurve.Compute(images, 200), curves[c].ImageRoc.ToArray());
            CollectionAssert.AreEqual(RocCurve.Compute(pixels, 200), curves[c].PixelRoc.ToArray());
            CollectionAssert.AreEqual(ProCurve.Compute(pixels, 0.3, 200), curves[c].Pro.ToArray());
            Assert.AreEqual(BinaryRankingMetrics.F1MaxThreshold(images), curves[c].ImageF1Threshold);
            Assert.AreEqual(BinaryRankingMetrics.F1MaxThreshold(pixels), curves[c].PixelF1Threshold);
            Assert.AreEqual(0.3, curves[c].FprLimit);
        }
    }

    /// <summary>The exact pixel table of samples, regions numbered across images.</summary>
    internal static ScoreLevelTable PixelTable(IReadOnlyList<SegmentationSample> samples)
    {
        var scores = new List<float>();
        var ids = new List<int>();
        int regions = 0;
        foreach (var s in samples)
        {
            var labels = new int[s.Height * s.Width];
            int count = s.Mask is null ? 0 : ConnectedComponents.Label8(s.Mask, s.Height, s.Width, labels);
            scores.AddRange(s.AnomalyMap);
            ids.AddRange(labels.Select(l => l == 0 ? 0 : l + regions));
            regions += count;
        }
        return ScoreLevelTable.FromPixels(scores.ToArray(), ids.ToArray());
    }

    internal static double Trapezoid(IReadOnlyList<CurvePoint> points)
    {
        double area = 0;
        for (int i = 1; i < points.Count; i++) area += 0.5 * (points[i].Y + points[i - 1].Y) * (points[i].X - points[i - 1].X);
        return area;
    }
}
