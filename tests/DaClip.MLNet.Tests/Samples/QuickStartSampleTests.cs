using System.Globalization;
using System.Text.RegularExpressions;
using DaClip.MLNet.Data;
using DaClip.MLNet.Metrics;
using DaClip.MLNet.Tests.Infrastructure;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;


namespace DaClip.MLNet.Tests.Samples;

/// <summary>
/// samples/QuickStart (default mini backbone) at small settings (S = 64, 4 anomalous + 2 normal images per category, 1 epoch): every step runs,
/// and the numbers it prints are those of the model it saved, recomputed here from model.zip and the held-out folder.
/// The full-size quick start is measured in docs/benchmarks.md, not run here.
/// </summary>
[TestClass]
public sealed class QuickStartSampleTests
{
    [TestMethod]
    public void SmallRun_PrintsTheMetricsOfItsSavedModel_AndWritesTheReport()
    {
        using var dir = new TempDir("quickstart");
        var run = ChildProcess.RunSample("QuickStart", ["--output", dir.Path, "--size", "64", "--per-category", "4", "--epochs", "1", "--seed", "3"]);
        Assert.AreEqual(0, run.ExitCode, run.ToString());
        StringAssert.Contains(run.Output, "Backbone \"mini\": a small CLIP pretrained by this project", "the output says what the default backbone is");
        StringAssert.Contains(run.Output, "Training-free baseline vs trained DA-CLIP (mini backbone)", "baseline and DA-CLIP side by side");
        Assert.AreEqual(5, run.Output.Split('\n').Count(l => Regex.IsMatch(l, @"^\s*\| (capsule|carpet|pcb|weave|mean)\s+\|\s+[0-9.]+ / [0-9.]+\s+\|")), run.Output);
        StringAssert.Contains(File.ReadAllText(Path.Combine(dir.Path, "report", "index.html")), "training-free baseline (mean)", "the report shows both");
        StringAssert.Contains(run.Output, "download ViT-L-14-336", "the output says how to get real weights");
        StringAssert.Contains(run.Output, "zero-shot test on 24 images of capsule, carpet, pcb, weave", run.ToString());

        var ml = new MLContext();
        using var model = DaClipTransformer.Load(ml, Path.Combine(dir.Path, "model.zip"));
        Assert.AreEqual(64, model.ImageSize);
        var heldOut = AnomalyDatasets.Read(DatasetKind.MvtecAd, Path.Combine(dir.Path, "data", "held-out"));
        Assert.AreEqual(24, heldOut.Samples.Count);
        var scored = ml.Data.Cache(model.Transform(heldOut.ToDataView(ml)));
        var expected = ml.AnomalyDetection.EvaluateSegmentation(scored, "Label", "MaskPath", "Class");

        var rows = MetricRows(run.Output);
        CollectionAssert.AreEqual(new[] { "capsule", "carpet", "pcb", "weave", "mean" }, rows.Keys.ToArray(), run.Output);
        foreach (var c in expected.PerClass) AssertRow(rows[c.ClassName], c.ImageCount, c.Metrics, c.ClassName);
        AssertRow(rows["mean"], 24, expected.Mean, "mean");

        // ML.NET's AnomalyDetection.Evaluate pools all held-out images: its AUROC is the pooled ranking AUROC.
        var scores = scored.GetColumn<float>("Score").ToArray();
        var labels = scored.GetColumn<bool>("Label").ToArray();
        var pooled = double.Parse(Regex.Match(run.Output, @"AnomalyDetection\.Evaluate \(all held-out images\): AUROC ([0-9.]+)").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.AreEqual(BinaryRankingMetrics.Auroc(scores, labels), pooled, 0.0005 + 1e-9, "pooled AUROC");

        // The report evaluates the same scores and masks: its metrics.csv mean row holds the same numbers.
        var report = Path.Combine(dir.Path, "report");
        Assert.IsTrue(File.Exists(Path.Combine(report, "index.html")), "report/index.html");
        var csv = File.ReadAllLines(Path.Combine(report, "metrics.csv"));
        var header = csv[0].Split(',');
        var mean = csv.Single(l => l.StartsWith("mean,", StringComparison.Ordinal)).Split(',');
        double Csv(string column) => double.Parse(mean[Array.IndexOf(header, column)], CultureInfo.InvariantCulture);
        Assert.AreEqual(expected.Mean.ImageAuroc, Csv("image_auroc"), 1e-12);
        Assert.AreEqual(expected.Mean.PixelAuroc, Csv("pixel_auroc"), 1e-12);
        Assert.AreEqual(expected.Mean.PixelAuproExact, Csv("pixel_aupro_exact"), 1e-12);
    }

    [TestMethod]
    public void BadArgument_ExitsTwoWithUsage()
    {
        var run = ChildProcess.RunSample("QuickStart", ["--epochs", "zero"]);
        Assert.AreEqual(2, run.ExitCode, run.ToString());
        StringAssert.Contains(run.Error, "--epochs takes a whole number, not 'zero'.");
        StringAssert.Contains(run.Error, "Usage: dotnet run --project samples/QuickStart");
    }

    /// <summary>The rows of the printed metrics table by class: images, then the eight metrics in percent.</summary>
    private static Dictionary<string, double[]> MetricRows(string output)
    {
        var rows = new Dictionary<string, double[]>();
        foreach (var line in output.Split('\n'))
        {
            var cells = line.Trim().Split('|', StringSplitOptions.TrimEntries);
            if (cells.Length != 11 || !int.TryParse(cells[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out _)) continue;
            rows.Add(cells[1], cells[2..10].Select(c => double.Parse(c, CultureInfo.InvariantCulture)).ToArray());
        }
        return rows;
    }

    /// <summary>A printed row (one decimal, in percent) against the recomputed metrics.</summary>
    private static void AssertRow(double[] row, int images, SegmentationMetrics m, string what)
    {
        Assert.AreEqual(images, row[0], $"{what}: images");
        double[] expected = [m.ImageAuroc, m.ImageAveragePrecision, m.ImageF1Max, m.PixelAuroc, m.PixelAveragePrecision, m.PixelF1Max, m.PixelAuproExact];
        string[] names = ["image AUROC", "image AP", "image F1-max", "pixel AUROC", "pixel AP", "pixel F1-max", "PRO"];
        for (int i = 0; i < expected.Length; i++)
            Assert.AreEqual(100 * expected[i], row[i + 1], 0.05 + 1e-9, $"{what}: {names[i]}");
    }
}
