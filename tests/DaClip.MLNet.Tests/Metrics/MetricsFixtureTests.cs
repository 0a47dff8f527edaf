using DaClip.MLNet.Metrics;
using DaClip.MLNet.Tests.Infrastructure;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Metrics;

/// <summary>Every metric against every case of every discovered metrics fixture set (fixtures README §3).</summary>
[TestClass]
public sealed class MetricsFixtureTests
{
    private const double Exact = 1e-9;
    private const double AnomalibTolerance = 1e-6;

    public static IEnumerable<object[]> Cases => MetricsFixtureCase.All();

    [TestMethod, DynamicData(nameof(Cases))]
    public void ImageAuroc(string set, string name)
    {
        var c = MetricsFixtureCase.Load(set, name);
        AssertClose(BinaryRankingMetrics.Auroc(c.ImageScores, c.ImageLabels), c.Value("image_auroc"), Exact, "image_auroc");
    }

    [TestMethod, DynamicData(nameof(Cases))]
    public void ImageAveragePrecision(string set, string name)
    {
        var c = MetricsFixtureCase.Load(set, name);
        AssertClose(BinaryRankingMetrics.AveragePrecision(c.ImageScores, c.ImageLabels), c.Value("image_ap"), Exact, "image_ap");
    }

    [TestMethod, DynamicData(nameof(Cases))]
    public void ImageF1Max(string set, string name)
    {
        var c = MetricsFixtureCase.Load(set, name);
        AssertClose(BinaryRankingMetrics.F1Max(c.ImageScores, c.ImageLabels), c.Value("image_f1_max"), Exact, "image_f1_max");
    }

    [TestMethod, DynamicData(nameof(Cases))]
    public void PixelAuroc(string set, string name)
    {
        var c = MetricsFixtureCase.Load(set, name);
        AssertClose(BinaryRankingMetrics.Auroc(PixelTable(c)), c.Value("pixel_auroc"), Exact, "pixel_auroc");
    }

    [TestMethod, DynamicData(nameof(Cases))]
    public void PixelAveragePrecision(string set, string name)
    {
        var c = MetricsFixtureCase.Load(set, name);
        AssertClose(BinaryRankingMetrics.AveragePrecision(PixelTable(c)), c.Value("pixel_ap"), Exact, "pixel_ap");
    }

    [TestMethod, DynamicData(nameof(Cases))]
    public void PixelF1Max(string set, string name)
    {
        var c = MetricsFixtureCase.Load(set, name);
        AssertClose(BinaryRankingMetrics.F1Max(PixelTable(c)), c.Value("pixel_f1_max"), Exact, "pixel_f1_max");
    }

    [TestMethod, DynamicData(nameof(Cases))]
    public void ConnectedComponentsMatchTheReferencePartition(string set, string name)
    {
        var c = MetricsFixtureCase.Load(set, name);
        int n = c.PixelsPerImage, total = 0;
        var labels = new int[n];
        for (int i = 0; i < c.Images; i++)
        {
            int count = ConnectedComponents.Label8(c.Masks.AsSpan(i * n, n), c.Height, c.Width, labels);
            total += count;
            // Same partition: a bijection between our labels and the reference labels of this image.
            var forward = new Dictionary<int, int>();
            var backward = new Dictionary<int, int>();
            for (int p = 0; p < n; p++)
            {
                int ours = labels[p], theirs = c.Regions[i * n + p];
                Assert.AreEqual(ours == 0, theirs == 0, $"image {i} pixel {p}: background differs");
                if (ours == 0) continue;
                Assert.AreEqual(theirs, forward.TryAdd(ours, theirs) ? theirs : forward[ours], $"image {i}: region {ours} splits");
                Assert.AreEqual(ours, backward.TryAdd(theirs, ours) ? ours : backward[theirs], $"image {i}: reference region {theirs} splits");
            }
            Assert.AreEqual(c.Regions.AsSpan(i * n, n).ToArray().Max(), count, $"image {i}: region count");
        }
        Assert.AreEqual(c.Count("n_regions"), total, "n_regions");
    }

    [TestMethod, DynamicData(nameof(Cases))]
    public void TableCountsMatchTheFixture(string set, string name)
    {
        var c = MetricsFixtureCase.Load(set, name);
        var table = PixelTable(c);
        Assert.AreEqual(c.Count("n_images"), c.Images);
        Assert.AreEqual(c.Count("n_anomalous_images"), c.ImageLabels.Count(l => l));
        Assert.AreEqual(c.Count("n_regions"), table.RegionCount, "n_regions");
        Assert.AreEqual(c.Count("n_anomalous_pixels"), table.PositiveCount, "n_anomalous_pixels");
        Assert.AreEqual(c.Count("n_normal_pixels"), table.NegativeCount, "n_normal_pixels");
        Assert.AreEqual(c.Count("n_distinct_map_values"), table.Count, "n_distinct_map_values");
        Assert.AreEqual(c.Value("map_min"), table.MinScore, "map_min");
        Assert.AreEqual(c.Value("map_max"), table.MaxScore, "map_max");
        Assert.AreEqual(c.Count("height"), c.Height);
        Assert.AreEqual(c.Count("width"), c.Width);
    }

    [TestMethod, DynamicData(nameof(Cases))]
    public void ProExactArea(string set, string name)
    {
        var c = MetricsFixtureCase.Load(set, name);
        AssertClose(ProExact.Area(PixelTable(c)), c.Value("pixel_aupro"), Exact, "pixel_aupro");
    }

    [TestMethod, DynamicData(nameof(Cases))]
    public void AnomalyClipThresholdsAreBitExact(string set, string name)
    {
        var c = MetricsFixtureCase.Load(set, name);
        var table = PixelTable(c);
        var ours = ProAnomalyClip.Thresholds(table.MinScore, table.MaxScore);
        Assert.AreEqual(c.Count("n_anomalyclip_thresholds"), ours.Length, "threshold count");
        CollectionAssert.AreEqual(c.AnomalyClipThresholds, ours, "thresholds (bitwise)");
    }

    [TestMethod, DynamicData(nameof(Cases))]
    public void ProAnomalyClipArea(string set, string name)
    {
        var c = MetricsFixtureCase.Load(set, name);
        AssertClose(ProAnomalyClip.Area(PixelTable(c)), c.Value("pixel_aupro_anomalyclip"), Exact, "pixel_aupro_anomalyclip");
    }

    [TestMethod, DynamicData(nameof(Cases))]
    public void ProAnomalibArea(string set, string name)
    {
        var c = MetricsFixtureCase.Load(set, name);
        AssertClose(ProAnomalib.Area(PixelTable(c)), c.Value("pixel_aupro_anomalib"), AnomalibTolerance, "pixel_aupro_anomalib");
    }

    /// <summary>Exact pixel table of the whole stack with our own connected components (regions numbered across images).</summary>
    internal static ScoreLevelTable PixelTable(MetricsFixtureCase c)
    {
        int n = c.PixelsPerImage, offset = 0;
        var ids = new int[c.Images * n];
        var labels = new int[n];
        for (int i = 0; i < c.Images; i++)
        {
            int count = ConnectedComponents.Label8(c.Masks.AsSpan(i * n, n), c.Height, c.Width, labels);
            for (int p = 0; p < n; p++) ids[i * n + p] = labels[p] == 0 ? 0 : labels[p] + offset;
            offset += count;
        }
        return ScoreLevelTable.FromPixels(c.Maps, ids);
    }

    private static void AssertClose(double actual, double expected, double tolerance, string what)
    {
        double diff = Math.Abs(actual - expected);
        Console.WriteLine($"{what}: {actual:R} vs {expected:R} (|diff| {diff:E2})");
        Assert.IsTrue(diff <= tolerance, $"{what}: {actual:R} but expected {expected:R} (|diff| {diff:E3} > {tolerance:E0})");
    }
}
