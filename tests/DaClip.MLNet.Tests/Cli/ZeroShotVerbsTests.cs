using System.Globalization;
using System.Text.Json;
using DaClip.MLNet.Data;
using DaClip.MLNet.Imaging;
using DaClip.MLNet.Metrics;
using DaClip.MLNet.Tests.Infrastructure;
using DaClip.MLNet.Training;
using DaClip.MLNet.Training.Synthetic;
using Microsoft.ML;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Cli;

/// <summary>
/// <c>daclip test --zero-shot</c> and <c>daclip predict --zero-shot</c> end to end on a small synthetic MVTec-shaped
/// folder with the tiny backbone (S = 32): the numbers the CLI prints equal the ML.NET detector's on the same images,
/// and the usage errors exit 2.
/// </summary>
[TestClass]
public sealed class ZeroShotVerbsTests
{
    private const int Size = 32;
    private static TempDir _dir = null!;
    private static string _data = "";

    [ClassInitialize]
    public static void Write(TestContext _)
    {
        _dir = new TempDir("cli-zero-shot");
        _data = _dir.File("held-out");
        var options = new SyntheticDefectOptions { ImageSize = Size, TrainGoodPerClass = 0, TestGoodPerClass = 2, TestAnomalousPerClass = 3, Seed = 5 };
        new SyntheticDefectGenerator(new SyntheticDefectSplit([SyntheticCategory.Stripes], [SyntheticCategory.Capsule, SyntheticCategory.Weave])
            .HeldOutOptions(options)).WriteMvtecFolder(_data);
    }

    [ClassCleanup]
    public static void Cleanup() => _dir.Dispose();

    private static DaClipTransformer Detector(MLContext ml) =>
        ml.AnomalyDetection.Trainers.DaClipZeroShot(new DaClipZeroShotOptions { Backbone = "tiny", ImageColumnName = "ImagePath", Model = new DaClipModelOptions { ImageSize = Size } })
            .Fit(new List<AnomalySample>().ToDataView(ml));

    [TestMethod]
    public void Test_zero_shot_prints_the_metrics_of_the_ML_NET_detector()
    {
        var ml = new MLContext();
        var samples = new MvtecAdReader().Read(_data).Samples.Where(s => s.Split == DatasetSplit.Test).ToList();
        using var detector = Detector(ml);
        var predictions = detector.ScoreBatch(samples.ToDataView(ml));
        var expected = SegmentationEvaluator.Evaluate(samples.Select((s, i) => new SegmentationSample
        {
            ClassName = s.Class,
            IsAnomalous = s.Label,
            ImageScore = predictions[i].Score,
            AnomalyMap = predictions[i].AnomalyMap,
            Mask = s.MaskPath is { } m ? MaskLoader.Load(m, Size, ImageFit.Stretch) : null,
            Height = Size,
            Width = Size,
        })).Mean;

        var report = _dir.File("report");
        var (exit, output, err) = CliRunner.Run("test", "--data", "mvtec:" + _data, "--zero-shot", "--backbone", "tiny", "--image-size", "32", "--report", report, "--json");
        Assert.AreEqual(0, exit, err);
        var json = JsonDocument.Parse(output).RootElement;
        Assert.AreEqual("zero-shot (tiny)", json.GetProperty("model").GetString());
        Assert.AreEqual(Size, json.GetProperty("imageSize").GetInt32());
        var mean = json.GetProperty("mean");
        Assert.AreEqual(expected.ImageAuroc, mean.GetProperty("imageAuroc").GetDouble(), 1e-6, output);
        Assert.AreEqual(expected.PixelAuroc, mean.GetProperty("pixelAuroc").GetDouble(), 1e-6, output);
        Assert.IsTrue(File.Exists(Path.Combine(report, "index.html")), "HTML report");
    }

    [TestMethod]
    public void Predict_zero_shot_scores_equal_the_detectors()
    {
        var folder = Path.Combine(_data, "capsule", "test");
        var (exit, output, err) = CliRunner.Run("predict", "--zero-shot", "--backbone", "tiny", "--image-size", "32", folder, "--json");
        Assert.AreEqual(0, exit, err);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var images = Directory.EnumerateFiles(folder, "*.png", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        Assert.AreEqual(images.Count, lines.Count);
        var ml = new MLContext();
        using var detector = Detector(ml);
        var expected = detector.ScoreBatch(images.Select(p => new AnomalySample(p, "capsule", false, null, "", DatasetSplit.Test)).ToDataView(ml));
        for (int i = 0; i < images.Count; i++)
            Assert.AreEqual(expected[i].Score, lines[i].GetProperty("score").GetSingle(), 1e-6f, images[i]);
    }

    [TestMethod]
    [DataRow("--zero-shot", "needs --backbone")]
    [DataRow("--model|m.zip|--zero-shot|--backbone|tiny", "exclude each other")]
    [DataRow("", "Give --model")]
    [DataRow("--model|m.zip|--backbone|tiny", "belong to --zero-shot")]
    [DataRow("--zero-shot|--backbone|tiny|--image-size|30", "multiple of the backbone's patch size")]
    public void Usage_errors_exit_2_with_the_fix(string args, string message)
    {
        var extra = args.Split('|', StringSplitOptions.RemoveEmptyEntries);
        var (exit, _, err) = CliRunner.Run(["test", "--data", "mvtec:" + _data, .. extra]);
        Assert.AreEqual(2, exit, err);
        StringAssert.Contains(err, message);
    }
}
