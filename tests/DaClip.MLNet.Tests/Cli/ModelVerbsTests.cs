using System.Globalization;
using System.Text.Json;
using DaClip.MLNet.Data;
using DaClip.MLNet.Imaging;
using DaClip.MLNet.IO;
using DaClip.MLNet.Metrics;
using DaClip.MLNet.Scoring;
using DaClip.MLNet.Tests.Infrastructure;
using DaClip.MLNet.Training.Synthetic;
using DaClip.MLNet.Training;
using Microsoft.ML;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Cli;

/// <summary>
/// <c>daclip train</c>, <c>test</c>, <c>predict</c> and <c>export</c> end to end on tiny synthetic MVTec-shaped folders
/// (S = 32, the tiny backbone, one epoch), sharing one model trained through the CLI. Every number the CLI prints is
/// checked against the library computing it directly from the same model.
/// </summary>
[TestClass]
public sealed class ModelVerbsTests
{
    private const int Size = 32;
    private static TempDir _dir = null!;
    private static string _auxiliary = "", _heldOut = "", _model = "";
    private static JsonElement _trainJson;

    [ClassInitialize]
    public static void TrainOnce(TestContext _)
    {
        _dir = new TempDir("cli-model");
        var options = new SyntheticDefectOptions { ImageSize = Size, TrainGoodPerClass = 0, TestGoodPerClass = 2, TestAnomalousPerClass = 3, Seed = 3 };
        _auxiliary = _dir.File("aux");
        _heldOut = _dir.File("held-out");
        new SyntheticDefectGenerator(new SyntheticDefectSplit([SyntheticCategory.Stripes, SyntheticCategory.Nut], [SyntheticCategory.Capsule, SyntheticCategory.Weave])
            .AuxiliaryOptions(options)).WriteMvtecFolder(_auxiliary);
        options.Seed = 4;
        new SyntheticDefectGenerator(new SyntheticDefectSplit([SyntheticCategory.Stripes, SyntheticCategory.Nut], [SyntheticCategory.Capsule, SyntheticCategory.Weave])
            .HeldOutOptions(options)).WriteMvtecFolder(_heldOut);
        _model = _dir.File(Path.Combine("models", "model.zip"));
        var (exit, output, err) = CliRunner.Run("train", "--data", "mvtec:" + _auxiliary, "--backbone", "tiny", "--out", _model,
            "--epochs", "1", "--batch-size", "4", "--image-size", Size.ToString(CultureInfo.InvariantCulture), "--seed", "7", "--json");
        Assert.AreEqual(0, exit, err);
        _trainJson = JsonDocument.Parse(output).RootElement.Clone();
    }

    [ClassCleanup]
    public static void Cleanup() => _dir.Dispose();

    [TestMethod]
    public void Train_writes_the_model_checkpoint_and_record_that_load()
    {
        var checkpoint = _dir.File(Path.Combine("models", "model.checkpoint.safetensors"));
        var recordPath = _dir.File(Path.Combine("models", "model.training.json"));
        Assert.AreEqual(Path.GetFullPath(_model), _trainJson.GetProperty("model").GetString());
        Assert.AreEqual(checkpoint, _trainJson.GetProperty("checkpoint").GetString());
        Assert.AreEqual(10, _trainJson.GetProperty("images").GetInt32(), "2 classes x (2 normal + 3 anomalous)");
        Assert.AreEqual(6, _trainJson.GetProperty("anomalousImages").GetInt32());
        Assert.IsTrue(double.IsFinite(_trainJson.GetProperty("finalLoss").GetDouble()));

        using (var model = DaClipTransformer.Load(new MLContext(), _model))
        {
            Assert.AreEqual(Size, model.ImageSize);
            Assert.AreEqual(0.5f, model.Threshold);
            Assert.AreEqual("tiny", model.ModelMetadata[DaClipModelMetadata.Backbone]);
        }
        var info = DaClipCheckpoint.ReadInfo(checkpoint);
        Assert.AreEqual(1, info.EpochsCompleted);
        Assert.AreEqual(Size, info.ModelOptions.ImageSize);
        Assert.AreEqual(7, info.TrainingOptions.Seed);

        using var record = JsonDocument.Parse(File.ReadAllText(recordPath));
        var r = record.RootElement;
        Assert.AreEqual("daclip-training-record", r.GetProperty("format").GetString());
        Assert.AreEqual("tiny", r.GetProperty("backbone").GetString());
        Assert.AreEqual(JsonValueKind.Null, r.GetProperty("vocab").ValueKind);
        Assert.AreEqual(checkpoint, r.GetProperty("checkpoint").GetString());
        Assert.AreEqual(Sha256(checkpoint), r.GetProperty("checkpointSha256").GetString());
        Assert.AreEqual("mvtec:" + _auxiliary, r.GetProperty("data").GetString());
        CollectionAssert.AreEqual(new[] { "nut", "stripes" }, r.GetProperty("classes").EnumerateArray().Select(e => e.GetString()).ToArray());
    }

    [TestMethod]
    public void Test_prints_and_writes_the_metrics_the_evaluator_computes_on_the_same_scores()
    {
        var expected = ExpectedEvaluation();

        var (exit, output, err) = CliRunner.Run("test", "--data", "mvtec:" + _heldOut, "--model", _model, "--json");
        Assert.AreEqual(0, exit, err);
        using var json = JsonDocument.Parse(output);
        AssertRows(expected, json.RootElement, "stdout JSON");
        var jsonFile = _dir.File(Path.Combine("models", "model.test-metrics.json"));
        using (var file = JsonDocument.Parse(File.ReadAllText(jsonFile))) AssertRows(expected, file.RootElement, "JSON file");
        AssertCsv(expected, File.ReadAllLines(_dir.File(Path.Combine("models", "model.test-metrics.csv"))));
        Assert.AreEqual("exact", json.RootElement.GetProperty("proConvention").GetString());
        Assert.AreEqual(0.3, json.RootElement.GetProperty("fprLimit").GetDouble());

        var report = _dir.File("report");
        (exit, output, err) = CliRunner.Run("test", "--data", "mvtec:" + _heldOut, "--model", _model, "--report", report, "--pro", "anomalib");
        Assert.AreEqual(0, exit, err);
        Assert.IsTrue(File.Exists(Path.Combine(report, "index.html")), "HTML report");
        Assert.IsTrue(File.Exists(Path.Combine(report, "report.json")));
        using (var file = JsonDocument.Parse(File.ReadAllText(Path.Combine(report, "test-metrics.json")))) AssertRows(expected, file.RootElement, "report folder JSON");
        AssertCsv(expected, File.ReadAllLines(Path.Combine(report, "test-metrics.csv")));
        var mean = expected.Mean;
        var meanLine = output.Split('\n').Single(l => l.StartsWith("mean ", StringComparison.Ordinal));
        var cells = meanLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        CollectionAssert.AreEqual(new[] { "mean", "10", "6" }.Concat(new[] { mean.ImageAuroc, mean.ImageAveragePrecision, mean.ImageF1Max, mean.PixelAuroc,
            mean.PixelAveragePrecision, mean.PixelAuproAnomalib }.Select(v => (100 * v).ToString("F1", CultureInfo.InvariantCulture))).ToArray(), cells, output);
        StringAssert.Contains(output, "PRO: anomalib convention");
        StringAssert.Contains(output, Path.Combine(report, "index.html"));
    }

    [TestMethod]
    public void Predict_scores_equal_the_transformers_and_heatmaps_are_written()
    {
        var folder = Path.Combine(_heldOut, "capsule", "test");
        var heatmaps = _dir.File("heatmaps");
        var (exit, output, err) = CliRunner.Run("predict", "--model", _model, folder, "--heatmaps", heatmaps, "--json");
        Assert.AreEqual(0, exit, err);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var images = Directory.EnumerateFiles(folder, "*.png", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        CollectionAssert.AreEqual(images, lines.Select(l => l.GetProperty("image").GetString()).ToList());

        using var model = DaClipTransformer.Load(new MLContext(), _model);
        var ml = new MLContext();
        var expected = model.ScoreBatch(images.Select(p => new AnomalySample(p, "capsule", false, null, "", DatasetSplit.Test)).ToDataView(ml));
        for (int i = 0; i < images.Count; i++)
        {
            Assert.AreEqual(expected[i].Score, lines[i].GetProperty("score").GetSingle(), images[i]);
            Assert.AreEqual(expected[i].PredictedLabel, lines[i].GetProperty("anomalous").GetBoolean(), images[i]);
            Assert.AreEqual(0.5f, lines[i].GetProperty("threshold").GetSingle());
            var heatmap = lines[i].GetProperty("heatmap").GetString()!;
            Assert.AreEqual(Path.Combine(heatmaps, "test", Path.ChangeExtension(Path.GetRelativePath(folder, images[i]), ".png")), heatmap);
            var png = ImageDecoder.Decode(heatmap);
            Assert.AreEqual((Size, Size), (png.Width, png.Height), "overlay at the image's size");
        }

        float cut = expected.Min(p => p.Score);
        (exit, output, err) = CliRunner.Run("predict", "--model", _model, images[0], images[1], "--threshold", cut.ToString("R", CultureInfo.InvariantCulture));
        Assert.AreEqual(0, exit, err);
        var table = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        for (int i = 0; i < 2; i++)
        {
            var cells = table[i + 1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.AreEqual(expected[i].Score.ToString("F4", CultureInfo.InvariantCulture), cells[0]);
            Assert.AreEqual(expected[i].Score > cut ? "anomalous" : "normal", cells[1], "--threshold decides the verdict");
            Assert.AreEqual(images[i], cells[2]);
        }
        StringAssert.Contains(output, "(--threshold)");
    }

    [TestMethod]
    public void Export_fp32_is_the_embedded_model_and_fp16_scores_close_to_it()
    {
        using var model = DaClipTransformer.Load(new MLContext(), _model);
        var fp32 = _dir.File("model-fp32.onnx");
        var (exit, output, err) = CliRunner.Run("export", "--model", _model, "--onnx", fp32, "--json");
        Assert.AreEqual(0, exit, err);
        CollectionAssert.AreEqual(model.GetOnnxModel(), File.ReadAllBytes(fp32));
        Assert.AreEqual("float32", JsonDocument.Parse(output).RootElement.GetProperty("precision").GetString());

        var fp16 = _dir.File("model-fp16.onnx");
        (exit, output, err) = CliRunner.Run("export", "--model", _model, "--onnx", fp16, "--fp16");
        Assert.AreEqual(0, exit, err);
        StringAssert.Contains(output, "float16");
        var images = Directory.EnumerateFiles(_heldOut, "*.png", SearchOption.AllDirectories).Where(p => !p.Contains("ground_truth", StringComparison.Ordinal)).Order().ToList();
        var cpu = new DaClipScorerOptions { Provider = ExecutionProvider.Cpu };
        using var full = new DaClipOnnxScorer(fp32, cpu);
        using var half = new DaClipOnnxScorer(fp16, cpu);
        Assert.AreEqual(model.Threshold, half.Threshold);
        Assert.AreEqual(Size, half.ImageSize);
        var a = full.Score(images);
        var b = half.Score(images);
        Tolerance.AssertClose(b.Select(p => p.Score).ToArray(), a.Select(p => p.Score).ToArray(), 2e-3, 0, "fp16 scores");
        for (int i = 0; i < images.Count; i++) Tolerance.AssertClose(b[i].AnomalyMap, a[i].AnomalyMap, 5e-3, 0, $"fp16 map of {images[i]}");
    }

    [TestMethod]
    public void Export_int8_scores_close_to_float32_and_predicts_through_a_saved_zip()
    {
        var fp32 = _dir.File("model-fp32-for-int8.onnx");
        var (exit, output, err) = CliRunner.Run("export", "--model", _model, "--onnx", fp32);
        Assert.AreEqual(0, exit, err);
        var int8 = _dir.File("model-int8.onnx");
        (exit, output, err) = CliRunner.Run("export", "--model", _model, "--onnx", int8, "--int8", "--json");
        Assert.AreEqual(0, exit, err);
        Assert.AreEqual("int8", JsonDocument.Parse(output).RootElement.GetProperty("precision").GetString());
        (exit, _, err) = CliRunner.Run("export", "--model", _model, "--onnx", int8, "--int8", "--fp16");
        Assert.AreEqual(2, exit);
        StringAssert.Contains(err, "exclude each other");

        var images = Directory.EnumerateFiles(_heldOut, "*.png", SearchOption.AllDirectories).Where(p => !p.Contains("ground_truth", StringComparison.Ordinal)).Order().ToList();
        var cpu = new DaClipScorerOptions { Provider = ExecutionProvider.Cpu, Log = _ => { } };
        using var full = new DaClipOnnxScorer(fp32, cpu);
        using var quantized = new DaClipOnnxScorer(int8, cpu);
        Assert.AreEqual("Int8", quantized.Precision);
        Assert.AreEqual(Size, quantized.ImageSize);
        var a = full.Score(images, 1);
        var b = quantized.Score(images, 1);
        Tolerance.AssertClose(b.Select(p => p.Score).ToArray(), a.Select(p => p.Score).ToArray(), 0.02, 0, "int8 scores");
        for (int i = 0; i < images.Count; i++) Assert.IsGreaterThan(0.99, Correlation.Pearson(b[i].AnomalyMap, a[i].AnomalyMap), $"int8 map of {images[i]}");

        // The int8 graph in an ML.NET zip, scored by `daclip predict` (batch 1: the same runs as the scorer above).
        var ml = new MLContext(seed: 1);
        var zip = _dir.File("model-int8.zip");
        using (var transformer = ml.Transforms.ApplyDaClipModel(File.ReadAllBytes(int8), new DaClipScoringOptions { ImageColumnName = "ImagePath" })
            .Fit(ml.Data.LoadFromEnumerable(images.Select(p => new { ImagePath = p }))))
        {
            Assert.AreEqual("Int8", transformer.Precision);
            transformer.Save(zip);
        }
        (exit, output, err) = CliRunner.Run(["predict", "--model", zip, "--batch-size", "1", "--json", .. images]);
        Assert.AreEqual(0, exit, err);
        var predicted = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.HasCount(images.Count, predicted);
        for (int i = 0; i < images.Count; i++)
        {
            Assert.AreEqual(Path.GetFullPath(images[i]), Path.GetFullPath(predicted[i].GetProperty("image").GetString()!));
            Assert.AreEqual(b[i].Score, predicted[i].GetProperty("score").GetSingle(), $"predict score of {images[i]}");
        }
    }

    [TestMethod]
    public void Export_fp16_says_what_it_needs_when_the_checkpoint_or_record_is_missing_or_wrong()
    {
        var alone = _dir.File(Path.Combine("alone", "model.zip"));
        Directory.CreateDirectory(Path.GetDirectoryName(alone)!);
        File.Copy(_model, alone, overwrite: true);
        var (exit, _, err) = CliRunner.Run("export", "--model", alone, "--onnx", _dir.File("x.onnx"), "--fp16");
        Assert.AreEqual(2, exit);
        StringAssert.Contains(err, "model.training.json");
        StringAssert.Contains(err, "--checkpoint");
        Assert.IsFalse(err.Contains("   at ", StringComparison.Ordinal), err);

        (exit, _, err) = CliRunner.Run("export", "--model", _model, "--onnx", _dir.File("x.onnx"), "--fp16", "--checkpoint", _dir.File("missing.safetensors"));
        Assert.AreEqual(2, exit);
        StringAssert.Contains(err, "missing.safetensors, which does not exist");

        // Another network's weights: same options and backbone, one tensor changed.
        var checkpoint = _dir.File(Path.Combine("models", "model.checkpoint.safetensors"));
        var other = _dir.File("other.checkpoint.safetensors");
        using (var f = SafetensorsFile.Open(checkpoint))
        {
            var tensors = f.Entries.OrderBy(e => e.Name, StringComparer.Ordinal).Select(e => e.DType == SafetensorsDType.F32
                ? SafetensorsTensor.FromSingle(e.Name, f.ReadSingle(e.Name).Select(v => e.Name.StartsWith("text.", StringComparison.Ordinal) ? v + 0.5f : v).ToArray(), e.Shape)
                : new SafetensorsTensor(e.Name, e.DType, e.Shape, f.ReadBytes(e.Name))).ToList();
            SafetensorsWriter.Write(other, tensors, f.Metadata);
        }
        (exit, _, err) = CliRunner.Run("export", "--model", _model, "--onnx", _dir.File("x.onnx"), "--fp16", "--checkpoint", other);
        Assert.AreEqual(2, exit);
        StringAssert.Contains(err, "does not reproduce the model");

        var moved = _dir.File(Path.Combine("moved", "model.zip"));
        Directory.CreateDirectory(Path.GetDirectoryName(moved)!);
        File.Copy(_model, moved, overwrite: true);
        var record = File.ReadAllText(_dir.File(Path.Combine("models", "model.training.json"))).Replace(JsonEncodedText.Encode(checkpoint).ToString(), JsonEncodedText.Encode(other).ToString());
        File.WriteAllText(_dir.File(Path.Combine("moved", "model.training.json")), record);
        (exit, _, err) = CliRunner.Run("export", "--model", moved, "--onnx", _dir.File("x.onnx"), "--fp16");
        Assert.AreEqual(2, exit);
        StringAssert.Contains(err, "has changed since model.zip was trained");
        Assert.IsFalse(File.Exists(_dir.File("x.onnx")), "nothing written on error");
    }

    [TestMethod]
    public void A_missing_mask_stops_test_unless_allowed()
    {
        var copy = _dir.File("held-out-copy");
        foreach (var file in Directory.EnumerateFiles(_heldOut, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(copy, Path.GetRelativePath(_heldOut, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        var mask = Directory.EnumerateFiles(Path.Combine(copy, "capsule", "ground_truth"), "*_mask.png", SearchOption.AllDirectories).Order(StringComparer.Ordinal).First();
        File.Delete(mask);

        var (exit, _, err) = CliRunner.Run("test", "--data", "mvtec:" + copy, "--model", _model, "--json");
        Assert.AreEqual(2, exit, err);
        StringAssert.Contains(err, "pass --allow-missing-masks");
        string output;
        (exit, output, err) = CliRunner.Run("test", "--data", "mvtec:" + copy, "--model", _model, "--json", "--allow-missing-masks");
        Assert.AreEqual(0, exit, err);
        Assert.AreEqual(10, JsonDocument.Parse(output).RootElement.GetProperty("images").GetInt32(), "the image without its mask is still evaluated");
    }

    [TestMethod]
    public void Input_errors_exit_with_2_and_a_message_naming_the_fix()
    {
        var cases = new (string[] Args, string Message)[]
        {
            (["test", "--data", "mvtech:" + _heldOut, "--model", _model], "Unknown dataset kind 'mvtech'. Valid kinds: mvtec, visa"),
            (["test", "--data", "mvtec:" + _dir.File("nowhere"), "--model", _model], "does not exist, so it cannot be the MVTec AD folder"),
            (["test", "--data", "mvtec:" + _heldOut, "--model", _dir.File("none.zip")], "--model " + _dir.File("none.zip") + ": no such file"),
            (["test", "--data", "mvtec:" + _heldOut, "--model", _model, "--classes", "bottle"], "has no class 'bottle'; the classes present are: capsule, weave"),
            (["test", "--data", "mvtec:" + _heldOut, "--model", _model, "--mode", "fast"], "--mode: Argument 'fast' not recognized. Must be one of: 'exact', 'streaming'"),
            (["test", "--data", "mvtec:" + _heldOut, "--model", _model, "--report", _auxiliary], "exists and is not an earlier report"),
            (["predict", "--model", _dir.File("none.zip"), _heldOut], "no such file"),
            (["predict", "--model", _model, _heldOut, "--threshold", "abc"], "--threshold 'abc' is not a finite number"),
            (["predict", "--model", _model, _heldOut, "--threshold", "NaN"], "--threshold 'NaN' is not a finite number"),
            (["predict", "--model", _model, _dir.File("no-image.png")], "no such file or folder"),
            (["predict", "--model", _model, _heldOut, "--device", "gpu"], "--device 'gpu' is not a device"),
            (["predict", "--model", _model], "give image files or folders to score, or --data kind:root --out dir"),
            (["export", "--model", _dir.File("none.zip"), "--onnx", _dir.File("y.onnx")], "no such file"),
            (["export", "--model", _model, "--onnx", _dir.File("y.onnx"), "--checkpoint", "c.safetensors"], "--checkpoint is used only with --fp16"),
            (["train", "--data", "folder:" + _heldOut, "--backbone", "tiny", "--out", _dir.File("t.zip")], "Fix:"),
            (["train", "--data", "mvtec:" + _auxiliary, "--backbone", _dir.File("clip.pt"), "--out", _dir.File("t.zip")], "no such file"),
            (["train", "--data", "mvtec:" + _auxiliary, "--backbone", "tiny", "--out", _dir.File("t.zip"), "--epochs", "0"], "--epochs is 0: it must be at least 1"),
            (["train", "--data", "mvtec:" + _auxiliary, "--backbone", "tiny", "--out", _dir.File("t.zip"), "--image-size", "36"], "not a multiple of the backbone's patch size 8"),
            (["train", "--backbone", "tiny", "--out", _dir.File("t.zip")], "Option '--data' is required"),
            (["nonsense"], "Unrecognized command or argument 'nonsense'"),
        };
        foreach (var (args, message) in cases)
        {
            var (exit, output, err) = CliRunner.Run(args);
            var line = string.Join(' ', args);
            Assert.AreEqual(2, exit, $"{line}\n{err}");
            StringAssert.Contains(err, message, line);
            Assert.IsFalse(err.Contains("   at ", StringComparison.Ordinal), $"no stack trace: {line}\n{err}");
            Assert.AreEqual("", output, line);
        }
        Assert.IsFalse(File.Exists(_dir.File("t.zip")));
    }

    /// <summary>The library's own evaluation of the held-out data with the trained model: ScoreBatch and the segmentation evaluator.</summary>
    private static SegmentationEvaluationResult ExpectedEvaluation()
    {
        var ml = new MLContext();
        using var model = DaClipTransformer.Load(ml, _model);
        var dataset = AnomalyDatasets.Read(DatasetKind.MvtecAd, _heldOut);
        var predictions = model.ScoreBatch(dataset.ToDataView(ml));
        var evaluator = new SegmentationEvaluator();
        for (int i = 0; i < predictions.Count; i++)
        {
            var s = dataset.Samples[i];
            var mask = s.MaskPath is null ? [] : MaskLoader.Load(s.MaskPath, Size, model.Fit);
            evaluator.Add(s.Class, s.Label, predictions[i].Score, predictions[i].AnomalyMap, mask, Size, Size);
        }
        return evaluator.Evaluate();
    }

    private static void AssertRows(SegmentationEvaluationResult expected, JsonElement json, string what)
    {
        var rows = json.GetProperty("perClass").EnumerateArray().Append(json.GetProperty("mean")).ToList();
        var metrics = expected.PerClass.Select(c => (c.ClassName, c.ImageCount, c.Metrics)).Append(("", expected.PerClass.Sum(c => c.ImageCount), expected.Mean)).ToList();
        Assert.AreEqual(metrics.Count, rows.Count, what);
        for (int i = 0; i < rows.Count; i++)
        {
            var (name, count, m) = metrics[i];
            Assert.AreEqual(name, rows[i].GetProperty("class").GetString(), what);
            Assert.AreEqual(count, rows[i].GetProperty("images").GetInt32(), what);
            foreach (var (key, value) in Values(m))
            {
                var cell = rows[i].GetProperty(key);
                if (double.IsNaN(value)) Assert.AreEqual(JsonValueKind.Null, cell.ValueKind, $"{what} {name} {key}");
                else Assert.AreEqual(value, cell.GetDouble(), $"{what} {name} {key}");
            }
        }
    }

    private static void AssertCsv(SegmentationEvaluationResult expected, string[] lines)
    {
        var header = lines[0].Split(',');
        Assert.AreEqual("scope,class,images,anomalous_images,normal_pixels,anomalous_pixels,regions," +
            "image_auroc,image_ap,image_f1_max,pixel_auroc,pixel_ap,pixel_f1_max,pixel_aupro_exact,pixel_aupro_anomalyclip,pixel_aupro_anomalib", lines[0]);
        var metrics = expected.PerClass.Select(c => c.Metrics).Append(expected.Mean).ToList();
        Assert.AreEqual(metrics.Count + 1, lines.Length);
        for (int i = 0; i < metrics.Count; i++)
        {
            var cells = lines[i + 1].Split(',');
            Assert.AreEqual(i < expected.PerClass.Count ? "class" : "mean", cells[0]);
            var values = Values(metrics[i]).Select(v => v.Value).ToArray();
            for (int j = 0; j < values.Length; j++)
                Assert.AreEqual(double.IsNaN(values[j]) ? "" : values[j].ToString("R", CultureInfo.InvariantCulture), cells[7 + j], $"{header[7 + j]} of row {i}");
        }
    }

    private static (string Key, double Value)[] Values(SegmentationMetrics m) =>
    [
        ("imageAuroc", m.ImageAuroc), ("imageAp", m.ImageAveragePrecision), ("imageF1Max", m.ImageF1Max),
        ("pixelAuroc", m.PixelAuroc), ("pixelAp", m.PixelAveragePrecision), ("pixelF1Max", m.PixelF1Max),
        ("pixelAuproExact", m.PixelAuproExact), ("pixelAuproAnomalyClip", m.PixelAuproAnomalyClip), ("pixelAuproAnomalib", m.PixelAuproAnomalib),
    ];

    private static string Sha256(string path) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path)));
}
