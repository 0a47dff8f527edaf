using System.Diagnostics;
using System.Globalization;
using DaClip.MLNet.Tests.Infrastructure;
using DaClip.MLNet.Training;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.MLNet;

/// <summary>Training in <c>Fit</c> end to end with the tiny backbone at S = 32: train, export, score, save, load.</summary>
[TestClass]
public class DaClipEstimatorTests
{
    private const int Size = 32;

    private static ScoringFixture _f = null!;

    [ClassInitialize]
    public static void Setup(TestContext _) => _f = new ScoringFixture("mlnet-estimator", 8, seed: 81, classes: ["bottle", "carpet"]);

    [ClassCleanup]
    public static void Cleanup() => _f.Dispose();

    private static DaClipOptions Options(string imageColumn = "Image") => new()
    {
        Backbone = "tiny",
        ImageColumnName = imageColumn,
        MaskColumnName = "Mask",
        ClassColumnName = "Class",
        Model = new DaClipModelOptions { ImageSize = Size },
        Epochs = 2,
        BatchSize = 4,
        Seed = 5,
    };

    [TestMethod]
    public void Fit_OnPathsBytesAndImages_TrainsTheSameModel_ThatSavesAndLoads()
    {
        using var temp = new TempDir("mlnet-estimator-tmp");
        var ml = new MLContext(seed: 1) { TempFilePath = temp.Path };
        var data = MLNetTestData.Rows(ml, _f.Images);
        var progress = new List<DaClipTrainingProgress>();
        var options = Options();
        options.Progress = new SyncProgress(progress.Add);
        using var byPath = new DaClipEstimator(ml, options).Fit(data);
        Assert.AreEqual(Size, byPath.ImageSize);
        Assert.AreEqual(0.5f, byPath.Threshold);
        Assert.AreEqual("tiny", byPath.ModelMetadata["daclip.backbone"]);
        Assert.IsTrue(progress.Any(p => p.Phase == "train" && p.Epoch == 2 && p.Step == p.StepsPerEpoch), "progress reaches the last step");
        var scored = byPath.Transform(data);
        var expected = DaClipSaveLoadTests.Results(scored);
        Assert.AreEqual(Size * Size, expected.Maps[0].Length);
        Assert.IsTrue(expected.Scores.All(float.IsFinite) && expected.Scores.Distinct().Count() > 1, string.Join(", ", expected.Scores));
        CollectionAssert.AreEqual(expected.Scores.Select(s => s > 0.5f).ToArray(), expected.Labels);

        var batch = byPath.ScoreBatch(data, batchSize: 3);
        CollectionAssert.AreEqual(expected.Scores, batch.Select(p => p.Score).ToArray(), "ScoreBatch on the exported network");
        for (int i = 0; i < batch.Count; i++) CollectionAssert.AreEqual(expected.Maps[i], batch[i].AnomalyMap, $"ScoreBatch map {i}");

        var bytesPipeline = ml.Transforms.LoadRawImageBytes("Bytes", null, "Image").Append(new DaClipEstimator(ml, Options("Bytes")));
        using var byBytes = bytesPipeline.Fit(data);
        DaClipSaveLoadTests.AssertSame(expected, DaClipSaveLoadTests.Results(byBytes.Transform(data)), "trained on bytes");
        var imagePipeline = ml.Transforms.LoadImages("Picture", null, "Image").Append(new DaClipEstimator(ml, Options("Picture")));
        using var byImage = imagePipeline.Fit(data);
        DaClipSaveLoadTests.AssertSame(expected, DaClipSaveLoadTests.Results(byImage.Transform(data)), "trained on images");

        var zip = _f.File("trained.zip");
        ml.Model.Save(byImage, data.Schema, zip);
        var fresh = new MLContext { TempFilePath = temp.Path };
        var loaded = fresh.Model.Load(zip, out _);
        DaClipSaveLoadTests.AssertSame(expected, DaClipSaveLoadTests.Results(loaded.Transform(MLNetTestData.Rows(fresh, _f.Images))), "loaded");
        var engine = fresh.Model.CreatePredictionEngine<ImageRow, TrainedOutputRow>(loaded);
        Assert.AreEqual(expected.Scores[2], engine.Predict(new ImageRow { Image = _f.Images[2].Path }).Score);
        var threadScores = new float[8][];
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, t =>
        {
            var own = fresh.Model.CreatePredictionEngine<ImageRow, TrainedOutputRow>(loaded);
            threadScores[t] = _f.Images.Select(i => own.Predict(new ImageRow { Image = i.Path }).Score).ToArray();
        });
        foreach (var scores in threadScores) CollectionAssert.AreEqual(expected.Scores, scores, "8 threads on the loaded trained model");
        (loaded as IDisposable)?.Dispose();

        var alone = _f.File("trained-alone.zip");
        byPath.Save(alone, data.Schema);
        AssertChildProcessScores(alone, expected);

        byBytes.Dispose();
        byImage.Dispose();
        byPath.Dispose();
        CollectionAssert.AreEqual(Array.Empty<string>(), Directory.GetFileSystemEntries(temp.Path), "temporary folder after dispose");
    }

    [TestMethod]
    public void Fit_WithInt8Export_ScoresThroughTransformBatchAndSaveLoad_CloseToFloat32()
    {
        using var temp = new TempDir("mlnet-estimator-int8");
        var ml = new MLContext(seed: 1) { TempFilePath = temp.Path };
        var data = MLNetTestData.Rows(ml, _f.Images);
        var options = Options();
        options.Epochs = 1;
        using var fp32 = new DaClipEstimator(ml, options).Fit(data);
        options.ExportPrecision = DaClip.MLNet.Training.Export.OnnxPrecision.Int8;
        using var int8 = new DaClipEstimator(ml, options).Fit(data);
        Assert.AreEqual("Float32", fp32.Precision);
        Assert.AreEqual("Int8", int8.Precision, "the precision travels in the model's metadata");
        Assert.IsLessThan(0.6 * fp32.GetOnnxModel().Length, int8.GetOnnxModel().Length, "int8 weights shrink the model");

        // Transform runs one image per ONNX Runtime call: the same as ScoreBatch with batch 1 (int8 activations are
        // quantised per batch, so other batch sizes move the scores within the quantisation error).
        var expected = DaClipSaveLoadTests.Results(int8.Transform(data));
        CollectionAssert.AreEqual(expected.Scores, int8.ScoreBatch(data, batchSize: 1).Select(p => p.Score).ToArray(), "ScoreBatch on the int8 graph");
        var reference = DaClipSaveLoadTests.Results(fp32.Transform(data));
        for (int i = 0; i < expected.Scores.Length; i++)
        {
            Assert.AreEqual(reference.Scores[i], expected.Scores[i], 0.02, $"int8 score {i} near float32");
            Assert.IsGreaterThan(0.99, DaClip.MLNet.Metrics.Correlation.Pearson(expected.Maps[i], reference.Maps[i]), $"int8 map {i} correlates with float32");
        }

        var zip = Path.Combine(temp.Path, "int8.zip");
        int8.Save(zip, data.Schema);
        using (var loaded = DaClipTransformer.Load(new MLContext(), zip))
        {
            Assert.AreEqual("Int8", loaded.Precision);
            var again = DaClipSaveLoadTests.Results(loaded.Transform(MLNetTestData.Rows(ml, _f.Images)));
            CollectionAssert.AreEqual(expected.Scores, again.Scores, "saved and loaded int8 model scores the same");
            for (int i = 0; i < again.Maps.Length; i++) CollectionAssert.AreEqual(expected.Maps[i], again.Maps[i], $"map {i} after load");
        }
        File.Delete(zip);
    }

    [TestMethod]
    public void CatalogEntryPoint_LogsToMLContext_AndChecksColumns()
    {
        var ml = new MLContext(seed: 1);
        var messages = new List<string>();
        ml.Log += (_, e) => { if (e.Source.StartsWith("DaClip", StringComparison.Ordinal)) lock (messages) messages.Add(e.RawMessage); };
        var data = MLNetTestData.Rows(ml, _f.Images);
        var options = Options();
        options.Epochs = 1;
        var estimator = ml.AnomalyDetection.Trainers.DaClip(options);
        var shape = estimator.GetOutputSchema(DaClipTransformerTests.SchemaShapeOf(ml, data));
        CollectionAssert.IsSubsetOf(new[] { "Score", "PredictedLabel", "ScoreCentered", "AnomalyMap" }, shape.Select(c => c.Name).ToArray());
        using var model = estimator.Fit(data);
        Assert.IsTrue(messages.Any(m => m.StartsWith("DA-CLIP training on 8 images (4 anomalous)", StringComparison.Ordinal)), string.Join("\n", messages));
        Assert.IsTrue(messages.Any(m => m.Contains("bottle 4, carpet 4", StringComparison.Ordinal)), string.Join("\n", messages));
        Assert.IsTrue(messages.Any(m => m.Contains("RANDOM weights", StringComparison.Ordinal)), "the trainer's own messages are forwarded");

        var plain = ml.AnomalyDetection.Trainers.DaClip("tiny", imageColumnName: "Image", maskColumnName: "Mask", imageSize: Size, epochs: 1);
        Assert.AreEqual(Size, plain.Options.Model.ImageSize);

        var noLabel = Options();
        noLabel.LabelColumnName = "Missing";
        var e = Assert.ThrowsExactly<DaClipSchemaException>(() => ml.AnomalyDetection.Trainers.DaClip(noLabel).GetOutputSchema(DaClipTransformerTests.SchemaShapeOf(ml, data)));
        Assert.AreEqual("label", e.Role);
        Assert.ThrowsExactly<DaClipSchemaException>(() => ml.AnomalyDetection.Trainers.DaClip(noLabel).Fit(data));
        var badMask = Options();
        badMask.MaskColumnName = "Label";
        Assert.ThrowsExactly<DaClipSchemaException>(() => ml.AnomalyDetection.Trainers.DaClip(badMask).GetOutputSchema(DaClipTransformerTests.SchemaShapeOf(ml, data)));
        Assert.ThrowsExactly<DaClipOptionException>(() => ml.AnomalyDetection.Trainers.DaClip(new DaClipOptions()));
        Assert.ThrowsExactly<DaClipOptionException>(() => ml.AnomalyDetection.Trainers.DaClip(new DaClipOptions { Backbone = "tiny", Epochs = 0 }));
    }

    private static void AssertChildProcessScores(string zip, DaClipSaveLoadTests.Scored expected)
    {
        var list = _f.File("trained-images.txt");
        File.WriteAllLines(list, _f.Images.Select(i => i.Path));
        var output = _f.File("trained-child.txt");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "exec", Path.Combine(AppContext.BaseDirectory, "DaClip.MLNet.LoadCheck.dll"), zip, list, output }) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        string err = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.AreEqual(0, process.ExitCode, err);
        var lines = File.ReadAllLines(output);
        for (int i = 0; i < lines.Length; i++)
        {
            var parts = lines[i].Split(' ');
            Assert.AreEqual(expected.Scores[i], float.Parse(parts[0], CultureInfo.InvariantCulture), $"child score {i}");
            CollectionAssert.AreEqual(expected.Maps[i], parts.Skip(2).Select(p => float.Parse(p, CultureInfo.InvariantCulture)).ToArray(), $"child map {i}");
        }
    }

    private sealed class SyncProgress(Action<DaClipTrainingProgress> report) : IProgress<DaClipTrainingProgress>
    {
        public void Report(DaClipTrainingProgress value) => report(value);
    }

    public sealed class TrainedOutputRow
    {
        public float Score { get; set; }

        [VectorType(1, 1, Size, Size)]
        public float[] AnomalyMap { get; set; } = [];
    }
}
