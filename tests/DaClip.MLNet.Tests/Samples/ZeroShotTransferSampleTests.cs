using System.Globalization;
using DaClip.MLNet.Data;
using DaClip.MLNet.Metrics;
using DaClip.MLNet.Tests.Infrastructure;
using DaClip.MLNet.Training.Synthetic;
using Microsoft.ML;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using SkiaSharp;

namespace DaClip.MLNet.Tests.Samples;

/// <summary>
/// samples/ZeroShotTransfer: without a checkpoint or datasets it prints where to get them and exits 0 (what it does on
/// this machine); with "tiny" and small replicas of the two layouts it runs the whole experiment, whose printed image
/// metrics are those of the model it saved.
/// </summary>
[TestClass]
public sealed class ZeroShotTransferSampleTests
{
    private static readonly string[] Inputs = ["DACLIP_CHECKPOINT", "DACLIP_VOCAB", "DACLIP_MVTEC_ROOT", "DACLIP_VISA_ROOT"];

    [TestMethod]
    public void WithoutInputs_PrintsWhereToGetThem_AndExitsZero()
    {
        using var emptyCache = new TempDir("zeroshot-cache");
        var run = ChildProcess.RunSample("ZeroShotTransfer", [], WithoutInputs(emptyCache.Path));
        Assert.AreEqual(0, run.ExitCode, run.ToString());
        foreach (var text in new[]
        {
            "download ViT-L-14-336",
            Path.Combine(emptyCache.Path, "daclip"),
            "https://www.mvtec.com/company/research/datasets/mvtec-ad",
            "mvtec_anomaly_detection.tar.xz",
            "https://github.com/amazon-science/spot-diff",
            "VisA_20220922.tar",
            "split_csv/1cls.csv",
            "DACLIP_MVTEC_ROOT",
            "DACLIP_VISA_ROOT",
        })
        {
            StringAssert.Contains(run.Output, text, run.ToString());
        }
    }

    [TestMethod]
    public void GivenAFolderThatDoesNotExist_ExitsTwo()
    {
        using var emptyCache = new TempDir("zeroshot-cache");
        var missing = Path.Combine(emptyCache.Path, "no-such-folder");
        var run = ChildProcess.RunSample("ZeroShotTransfer", ["--checkpoint", "tiny", "--mvtec", missing], WithoutInputs(emptyCache.Path));
        Assert.AreEqual(2, run.ExitCode, run.ToString());
        StringAssert.Contains(run.Output, $"'{missing}' does not exist", run.ToString());
        Assert.IsFalse(run.Output.Contains("CLIP weights", StringComparison.Ordinal), "the tiny backbone needs no weights");
    }

    [TestMethod]
    public void TinyDryRun_OnMvtecAndVisaLayouts_PrintsTheMetricsOfItsSavedModel()
    {
        using var dir = new TempDir("zeroshot");
        var options = new SyntheticDefectOptions { ImageSize = 48, TrainGoodPerClass = 0, TestGoodPerClass = 2, TestAnomalousPerClass = 3, Seed = 5 };
        var mvtec = Path.Combine(dir.Path, "mvtec_anomaly_detection");
        new SyntheticDefectGenerator(SyntheticDefectSplit.Default.AuxiliaryOptions(options)).WriteMvtecFolder(mvtec);
        var visa = Path.Combine(dir.Path, "VisA_20220922");
        WriteVisa(visa, new SyntheticDefectGenerator(SyntheticDefectSplit.Default.HeldOutOptions(options)));

        var output = Path.Combine(dir.Path, "out");
        var run = ChildProcess.RunSample("ZeroShotTransfer",
            ["--checkpoint", "tiny", "--mvtec", mvtec, "--visa", visa, "--size", "32", "--epochs", "1", "--batch-size", "4", "--output", output],
            WithoutInputs(dir.Path));
        Assert.AreEqual(0, run.ExitCode, run.ToString());
        StringAssert.Contains(run.Output, "MVTec AD: 8 normal / 12 anomalous images in 4 classes", run.ToString());
        StringAssert.Contains(run.Output, "VisA:     8 normal / 12 anomalous images in 4 classes", run.ToString());
        Assert.IsTrue(File.Exists(Path.Combine(output, "report", "index.html")), "report");

        var ml = new MLContext();
        using var model = DaClipTransformer.Load(ml, Path.Combine(output, "daclip-mvtec.zip"));
        var test = AnomalyDatasets.Read(DatasetKind.Visa, visa);
        var expected = ml.AnomalyDetection.EvaluateSegmentation(model.Transform(test.ToDataView(ml)), "Label", "MaskPath", "Class");
        var rows = run.Output.Split('\n').Select(l => l.Trim().Split('|', StringSplitOptions.TrimEntries)).Where(c => c.Length == 10).ToDictionary(c => c[1]);
        foreach (var (name, metrics) in expected.PerClass.Select(c => (c.ClassName, c.Metrics)).Append(("**mean**", expected.Mean)))
        {
            Assert.IsTrue(rows.ContainsKey(name), $"row {name} in:\n{run.Output}");
            // Image metrics do not depend on the evaluator's mode; pixel metrics of the sample's streaming mode agree
            // with the exact ones here far below the printed precision.
            AssertPercent(metrics.ImageAuroc, rows[name][3], $"{name} image AUROC");
            AssertPercent(metrics.ImageAveragePrecision, rows[name][4], $"{name} image AP");
            AssertPercent(metrics.PixelAuroc, rows[name][5], $"{name} pixel AUROC");
            AssertPercent(metrics.PixelAuproExact, rows[name][7], $"{name} PRO");
        }
    }

    private static void AssertPercent(double expected, string printed, string what) =>
        Assert.AreEqual(100 * expected, double.Parse(printed, CultureInfo.InvariantCulture), 0.05 + 1e-6, what);

    /// <summary>The four inputs unset and the download cache (XDG_CACHE_HOME) in <paramref name="cacheHome"/>, so that weights on this machine are not found.</summary>
    private static Dictionary<string, string?> WithoutInputs(string cacheHome)
    {
        var environment = Inputs.ToDictionary(name => name, _ => (string?)null);
        environment["XDG_CACHE_HOME"] = cacheHome;
        return environment;
    }

    /// <summary>
    /// VisA's layout (docs/datasets.md) with synthetic images: JPEG images under Data/Images/{Normal,Anomaly}, PNG masks
    /// under Data/Masks/Anomaly, and split_csv/1cls.csv listing them as test rows.
    /// </summary>
    private static void WriteVisa(string root, SyntheticDefectGenerator generator)
    {
        var rows = new List<string> { "object,split,label,image,mask" };
        foreach (var image in generator.Categories.SelectMany(generator.TestImages))
        {
            string name = $"{image.DefectName}_{image.FileStem}";
            string folder = image.IsAnomalous ? "Anomaly" : "Normal";
            string imagePath = $"{image.ClassName}/Data/Images/{folder}/{name}.JPG";
            string maskPath = image.IsAnomalous ? $"{image.ClassName}/Data/Masks/Anomaly/{name}.png" : "";
            Write(root, imagePath, Jpeg(image));
            if (image.IsAnomalous) Write(root, maskPath, image.EncodeMaskPng());
            rows.Add($"{image.ClassName},test,{(image.IsAnomalous ? "anomaly" : "normal")},{imagePath},{maskPath}");
        }
        Write(root, "split_csv/1cls.csv", System.Text.Encoding.UTF8.GetBytes(string.Join("\n", rows) + "\n"));
    }

    private static void Write(string root, string relative, byte[] bytes)
    {
        var path = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
    }

    private static byte[] Jpeg(SyntheticImage image)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        for (int y = 0; y < image.Height; y++)
            for (int x = 0; x < image.Width; x++)
            {
                int i = 3 * (y * image.Width + x);
                bitmap.SetPixel(x, y, new SKColor(image.Rgb[i], image.Rgb[i + 1], image.Rgb[i + 2]));
            }
        using var skImage = SKImage.FromBitmap(bitmap);
        using var encoded = skImage.Encode(SKEncodedImageFormat.Jpeg, 95);
        return encoded.ToArray();
    }
}
