using DaClip.MLNet.Metrics;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Metrics;

/// <summary>The streaming (histogram) mode against the exact mode on a 100-image synthetic set.</summary>
[TestClass]
public sealed class StreamingAccuracyTests
{
    [TestMethod]
    public void StreamingErrorIsBelowOneInTenThousand()
    {
        var samples = SyntheticSegmentationData.Create(100, 128, 128, seed: 2024);
        var exact = SegmentationEvaluator.Evaluate(samples).Mean;
        var streaming = SegmentationEvaluator.Evaluate(samples, new SegmentationEvaluatorOptions { Mode = SegmentationEvaluationMode.Streaming }).Mean;
        Console.WriteLine($"exact:     {exact}");
        Console.WriteLine($"streaming: {streaming}");
        Check(streaming.PixelAuroc, exact.PixelAuroc, 1e-4, "pixel AUROC");
        Check(streaming.PixelAuproExact, exact.PixelAuproExact, 1e-4, "PRO exact");
        Check(streaming.PixelAuproAnomalyClip, exact.PixelAuproAnomalyClip, 1e-4, "PRO AnomalyCLIP");
        Check(streaming.PixelAuproAnomalib, exact.PixelAuproAnomalib, 1e-4, "PRO anomalib");
        Check(streaming.PixelAveragePrecision, exact.PixelAveragePrecision, 1e-4, "pixel AP");
        Check(streaming.PixelF1Max, exact.PixelF1Max, 1e-4, "pixel F1-max");
        Assert.AreEqual(exact.ImageAuroc, streaming.ImageAuroc, "image metrics do not depend on the mode");
    }

    private static void Check(double streaming, double exact, double tolerance, string what)
    {
        double diff = Math.Abs(streaming - exact);
        Console.WriteLine($"{what}: streaming {streaming:R} exact {exact:R} |diff| {diff:E2}");
        Assert.IsTrue(diff <= tolerance, $"{what}: streaming {streaming:R} vs exact {exact:R}, |diff| {diff:E3} > {tolerance:E0}");
    }
}
