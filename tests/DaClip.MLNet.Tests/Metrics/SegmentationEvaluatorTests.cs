using DaClip.MLNet.Metrics;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Metrics;

/// <summary>The evaluator API: fixture values through it, class handling, re-evaluation, input validation.</summary>
[TestClass]
public sealed class SegmentationEvaluatorTests
{
    public static IEnumerable<object[]> Cases => MetricsFixtureCase.All();

    [TestMethod, DynamicData(nameof(Cases))]
    public void ExactModeReproducesEveryFixtureValue(string set, string name)
    {
        var c = MetricsFixtureCase.Load(set, name);
        var result = SegmentationEvaluator.Evaluate(Samples(c));
        var only = result.PerClass.Single();
        Assert.AreEqual(c.Count("n_images"), only.ImageCount);
        Assert.AreEqual(c.Count("n_anomalous_images"), only.AnomalousImageCount);
        Assert.AreEqual(c.Count("n_regions"), only.RegionCount);
        Assert.AreEqual(c.Count("n_anomalous_pixels"), only.AnomalousPixelCount);
        Assert.AreEqual(c.Count("n_normal_pixels"), only.NormalPixelCount);
        var m = only.Metrics;
        Close(m.ImageAuroc, c.Value("image_auroc"), 1e-9, "image_auroc");
        Close(m.ImageAveragePrecision, c.Value("image_ap"), 1e-9, "image_ap");
        Close(m.ImageF1Max, c.Value("image_f1_max"), 1e-9, "image_f1_max");
        Close(m.PixelAuroc, c.Value("pixel_auroc"), 1e-9, "pixel_auroc");
        Close(m.PixelAveragePrecision, c.Value("pixel_ap"), 1e-9, "pixel_ap");
        Close(m.PixelF1Max, c.Value("pixel_f1_max"), 1e-9, "pixel_f1_max");
        Close(m.PixelAuproExact, c.Value("pixel_aupro"), 1e-9, "pixel_aupro");
        Close(m.PixelAuproAnomalyClip, c.Value("pixel_aupro_anomalyclip"), 1e-9, "pixel_aupro_anomalyclip");
        Close(m.PixelAuproAnomalib, c.Value("pixel_aupro_anomalib"), 1e-6, "pixel_aupro_anomalib");
        Assert.AreEqual(m, result.Mean, "the mean over one class is that class");
    }

    [TestMethod, DynamicData(nameof(Cases))]
    public void StreamingModeStaysCloseOnTheFixtures(string set, string name)
    {
        var c = MetricsFixtureCase.Load(set, name);
        var exact = SegmentationEvaluator.Evaluate(Samples(c)).Mean;
        var streaming = SegmentationEvaluator.Evaluate(Samples(c), new SegmentationEvaluatorOptions { Mode = SegmentationEvaluationMode.Streaming }).Mean;
        Assert.AreEqual(exact.ImageAuroc, streaming.ImageAuroc, "image metrics are always exact");
        Close(streaming.PixelAuroc, exact.PixelAuroc, 1e-4, "pixel_auroc");
        Close(streaming.PixelAveragePrecision, exact.PixelAveragePrecision, 1e-4, "pixel_ap");
        Close(streaming.PixelF1Max, exact.PixelF1Max, 1e-4, "pixel_f1_max");
        Close(streaming.PixelAuproExact, exact.PixelAuproExact, 1e-4, "pixel_aupro");
        Close(streaming.PixelAuproAnomalyClip, exact.PixelAuproAnomalyClip, 1e-4, "pixel_aupro_anomalyclip");
        Close(streaming.PixelAuproAnomalib, exact.PixelAuproAnomalib, 1e-4, "pixel_aupro_anomalib");
    }

    [TestMethod]
    public void MeanIsTheAverageOverClassesAndClassesKeepTheirOrder()
    {
        var samples = SyntheticSegmentationData.Create(24, 24, 20, seed: 5, classes: 3);
        var result = SegmentationEvaluator.Evaluate(samples);
        CollectionAssert.AreEqual(new[] { "class0", "class1", "class2" }, result.PerClass.Select(c => c.ClassName).ToArray());
        foreach (var perClass in result.PerClass)
        {
            var alone = SegmentationEvaluator.Evaluate(samples.Where(s => s.ClassName == perClass.ClassName)).PerClass.Single();
            Assert.AreEqual(alone, perClass, $"{perClass.ClassName} is evaluated independently of the other classes");
        }
        Close(result.Mean.PixelAuproExact, result.PerClass.Average(c => c.Metrics.PixelAuproExact), 1e-15, "mean PRO");
        Close(result.Mean.ImageAuroc, result.PerClass.Average(c => c.Metrics.ImageAuroc), 1e-15, "mean image AUROC");
    }

    [TestMethod]
    public void EvaluateCanBeRepeatedAndContinued()
    {
        var samples = SyntheticSegmentationData.Create(12, 40, 40, seed: 9);
        foreach (var mode in new[] { SegmentationEvaluationMode.Exact, SegmentationEvaluationMode.Streaming })
        {
            var options = new SegmentationEvaluatorOptions { Mode = mode };
            var evaluator = new SegmentationEvaluator(options);
            foreach (var s in samples.Take(5)) evaluator.Add(s);
            var first = evaluator.Evaluate();
            var again = evaluator.Evaluate();
            Assert.AreEqual(first.Mean, again.Mean, $"{mode}: a second Evaluate gives the same result");
            CollectionAssert.AreEqual(first.PerClass.ToArray(), again.PerClass.ToArray(), $"{mode}: per class");
            foreach (var s in samples.Skip(5)) evaluator.Add(s);
            var continued = evaluator.Evaluate();
            var oneGo = SegmentationEvaluator.Evaluate(samples, options);
            Assert.AreEqual(oneGo.Mean, continued.Mean, $"{mode}: adding after Evaluate equals adding everything first");
            Assert.AreEqual(12, evaluator.ImageCount);
        }
    }

    [TestMethod]
    public void HandWorkedImageWithOneDiagonalRegion()
    {
        // 2 x 3 image; the two anomalous pixels touch only at a corner: one region under 8-connectivity.
        float[] map = [0.9f, 0.1f, 0.8f, 0.2f, 0.7f, 0.3f];
        byte[] mask = [1, 0, 0, 0, 1, 0];
        var evaluator = new SegmentationEvaluator();
        evaluator.Add("toy", true, 1f, map, mask, 2, 3);
        evaluator.Add("toy", false, 0f, new float[6], [], 2, 3);
        var c = evaluator.Evaluate().PerClass.Single();
        Assert.AreEqual(1, c.RegionCount);
        Assert.AreEqual(10, c.NormalPixelCount);
        // Positives {0.9, 0.7}; negatives {0.8, 0.3, 0.2, 0.1} and six zeros: 0.9 beats 10, 0.7 beats 9.
        Close(c.Metrics.PixelAuroc, 19.0 / 20.0, 1e-15, "pixel AUROC");
        // Thresholds 0.9 (P 1, R 1/2), 0.8 (P 1/2), 0.7 (P 2/3, R 1).
        Close(c.Metrics.PixelAveragePrecision, 0.5 * 1 + 0.5 * (2.0 / 3.0), 1e-15, "pixel AP");
        Close(c.Metrics.PixelF1Max, 0.8, 1e-15, "pixel F1-max");
        // PRO curve (0,0) (0,.5) (.1,.5) (.1,1) (.2,1) ...: area to 0.3 = 0.05 + 0.2 = 0.25, / 0.3.
        Close(c.Metrics.PixelAuproExact, 0.25 / 0.3, 1e-14, "PRO exact");
        Assert.AreEqual(1.0, c.Metrics.ImageAuroc);
    }

    [TestMethod]
    public void AllNormalClassHasUndefinedMetricsAndPropagatesToTheMean()
    {
        var samples = SyntheticSegmentationData.Create(10, 16, 16, seed: 3)
            .Select(s => s with { IsAnomalous = false, Mask = null, ClassName = "good" })
            .Concat(SyntheticSegmentationData.Create(10, 16, 16, seed: 4).Select(s => s with { ClassName = "defects" }))
            .ToList();
        foreach (var mode in new[] { SegmentationEvaluationMode.Exact, SegmentationEvaluationMode.Streaming })
        {
            var result = SegmentationEvaluator.Evaluate(samples, new SegmentationEvaluatorOptions { Mode = mode });
            var good = result.PerClass[0];
            Assert.AreEqual("good", good.ClassName);
            Assert.AreEqual(0, good.RegionCount);
            Assert.AreEqual(0, good.AnomalousPixelCount);
            Assert.AreEqual(10L * 16 * 16, good.NormalPixelCount);
            var m = good.Metrics;
            foreach (var (value, what) in new[] { (m.ImageAuroc, "image AUROC"), (m.ImageAveragePrecision, "image AP"), (m.ImageF1Max, "image F1"),
                (m.PixelAuroc, "pixel AUROC"), (m.PixelAveragePrecision, "pixel AP"), (m.PixelF1Max, "pixel F1"),
                (m.PixelAuproExact, "PRO exact"), (m.PixelAuproAnomalyClip, "PRO AnomalyCLIP"), (m.PixelAuproAnomalib, "PRO anomalib") })
                Assert.IsTrue(double.IsNaN(value), $"{mode}: {what} of an all-normal class is NaN, got {value}");
            Assert.IsFalse(double.IsNaN(result.PerClass[1].Metrics.PixelAuroc));
            Assert.IsTrue(double.IsNaN(result.Mean.PixelAuroc), "NaN propagates to the mean");
        }
    }

    [TestMethod]
    public void ConstantScores()
    {
        var samples = SyntheticSegmentationData.Create(10, 20, 20, seed: 11)
            .Select(s => s with { AnomalyMap = Enumerable.Repeat(0.5f, 400).ToArray(), ImageScore = 0.25f })
            .ToList();
        foreach (var mode in new[] { SegmentationEvaluationMode.Exact, SegmentationEvaluationMode.Streaming })
        {
            var c = SegmentationEvaluator.Evaluate(samples, new SegmentationEvaluatorOptions { Mode = mode }).PerClass.Single();
            double imagePrevalence = (double)c.AnomalousImageCount / c.ImageCount;
            double pixelPrevalence = (double)c.AnomalousPixelCount / (c.AnomalousPixelCount + c.NormalPixelCount);
            var m = c.Metrics;
            Assert.AreEqual(0.5, m.ImageAuroc, "one tie: AUROC 1/2");
            Close(m.ImageAveragePrecision, imagePrevalence, 1e-15, "image AP = prevalence");
            Close(m.ImageF1Max, 2 * imagePrevalence / (1 + imagePrevalence), 1e-15, "image F1 = 2p / (1 + p)");
            Assert.AreEqual(0.5, m.PixelAuroc);
            Close(m.PixelAveragePrecision, pixelPrevalence, 1e-15, "pixel AP");
            Close(m.PixelF1Max, 2 * pixelPrevalence / (1 + pixelPrevalence), 1e-15, "pixel F1");
            // The curve jumps from (0, 0) to (1, 1): PRO(0.3) = 0.3, area 0.045, / 0.3.
            Close(m.PixelAuproExact, 0.15, 1e-15, "PRO exact");
            Assert.IsTrue(double.IsNaN(m.PixelAuproAnomalyClip), "AnomalyCLIP's thresholds are empty when min = max");
            Assert.IsTrue(double.IsNaN(m.PixelAuproAnomalib), "anomalib's grid has one point and its area is 0 / 0");
        }
    }

    [TestMethod]
    public void InvalidInputsAreRejectedWithTheImageNamed()
    {
        var evaluator = new SegmentationEvaluator();
        var nan = new float[6];
        nan[4] = float.NaN;
        var e = Assert.ThrowsExactly<DaClipException>(() => evaluator.Add("bottle", false, 0f, nan, [], 2, 3));
        StringAssert.Contains(e.Message, "row 1, column 1");
        StringAssert.Contains(e.Message, "'bottle'");
        Assert.ThrowsExactly<DaClipException>(() => evaluator.Add("bottle", false, 0f, new float[6], [0, 1, 0, 0, 0, 0], 2, 3));
        Assert.ThrowsExactly<DaClipException>(() => evaluator.Add("bottle", false, float.PositiveInfinity, new float[6], [], 2, 3));
        Assert.ThrowsExactly<ArgumentException>(() => evaluator.Add("bottle", false, 0f, new float[5], [], 2, 3));
        Assert.ThrowsExactly<ArgumentException>(() => evaluator.Add("bottle", true, 0f, new float[6], [1, 0], 2, 3));
        Assert.AreEqual(0, evaluator.ImageCount, "rejected images leave no trace");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new SegmentationEvaluator(new SegmentationEvaluatorOptions { FprLimit = 0 }));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new SegmentationEvaluator(new SegmentationEvaluatorOptions { StreamingMantissaBits = 23 }));
    }

    internal static IEnumerable<SegmentationSample> Samples(MetricsFixtureCase c)
    {
        int n = c.PixelsPerImage;
        for (int i = 0; i < c.Images; i++)
            yield return new SegmentationSample
            {
                ClassName = c.Name,
                IsAnomalous = c.ImageLabels[i],
                ImageScore = c.ImageScores[i],
                AnomalyMap = c.Maps.AsSpan(i * n, n).ToArray(),
                Mask = c.Masks.AsSpan(i * n, n).ToArray(),
                Height = c.Height,
                Width = c.Width,
            };
    }

    private static void Close(double actual, double expected, double tolerance, string what)
    {
        double diff = Math.Abs(actual - expected);
        Console.WriteLine($"{what}: {actual:R} vs {expected:R} (|diff| {diff:E2})");
        Assert.IsTrue(diff <= tolerance, $"{what}: {actual:R} but expected {expected:R} (|diff| {diff:E3} > {tolerance:E0})");
    }
}
