using DaClip.MLNet.Scoring;
using DaClip.MLNet.Tests.Infrastructure;
using DaClip.MLNet.Training;
using Microsoft.ML;
using System.Reflection;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.MLNet;

/// <summary>
/// The catalog entry points honour the caller's <c>MLContext</c>: its seed, <c>GpuDeviceId</c> / <c>FallbackToCpu</c>,
/// <c>TempFilePath</c> and <c>CancelExecution</c> (docs/mlnet.md, "MLContext"). Training runs the tiny backbone at S = 32.
/// </summary>
[TestClass]
public class MLContextSettingsTests
{
    private const int Size = 32;

    private static ScoringFixture _f = null!;

    [ClassInitialize]
    public static void Setup(TestContext _) => _f = new ScoringFixture("mlnet-context", 8, seed: 91);

    [ClassCleanup]
    public static void Cleanup() => _f.Dispose();

    private static DaClipOptions Options(int? seed = null) => new()
    {
        Backbone = "tiny",
        MaskColumnName = "Mask",
        Model = new DaClipModelOptions { ImageSize = Size },
        Epochs = 1,
        BatchSize = 4,
        TrainingThreads = 1,
        Seed = seed,
    };

    /// <summary>
    /// Calls <c>MLContext.CancelExecution</c>: ML.NET 5 makes it public only through the <c>mlContext.CancelExecution()</c>
    /// extension of Microsoft.ML.Experimental, which calls this (friend-assembly) method.
    /// </summary>
    internal static void CancelExecution(MLContext ml) =>
        typeof(MLContext).GetMethod("CancelExecution", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public, [])!.Invoke(ml, null);

    private static (float[] Scores, float[] Map, string[] Log, int TempFiles, int TempFilesAfterDispose) Train(MLContext ml, DaClipOptions options, string temp,
        bool constructor = false)
    {
        var log = new List<string>();
        ml.Log += (_, e) => { if (e.Source == "DaClip") lock (log) log.Add(e.Message); };
        ml.TempFilePath = temp;
        var data = _f.Rows(ml);
        var model = (constructor ? new DaClipEstimator(ml, options) : ml.AnomalyDetection.Trainers.DaClip(options)).Fit(data);
        int files;
        float[] scores, map;
        using (model)
        {
            files = Directory.GetFiles(temp, "daclip-*.onnx").Length;
            var batch = model.ScoreBatch(data);
            scores = batch.Select(p => p.Score).ToArray();
            map = batch[0].AnomalyMap;
        }
        return (scores, map, [.. log], files, Directory.GetFiles(temp, "daclip-*.onnx").Length);
    }

    [TestMethod]
    public void Seed_ComesFromTheContext_ExplicitSeedWins_AndTempFilesGoToTheContextsPath()
    {
        using var temp = new TempDir("mlnet-context-temp");
        var first = Train(new MLContext(seed: 1), Options(), temp.Path);
        var again = Train(new MLContext(seed: 1), Options(), temp.Path);
        var other = Train(new MLContext(seed: 2), Options(), temp.Path);
        var explicitSeed = Train(new MLContext(seed: 2), Options(seed: 1), temp.Path);
        var byConstructor = Train(new MLContext(seed: 1), Options(), temp.Path, constructor: true);

        CollectionAssert.AreEqual(first.Scores, again.Scores, "two fits in MLContext(seed: 1) give the same model");
        CollectionAssert.AreEqual(first.Map, again.Map);
        Assert.IsTrue(first.Scores.Zip(other.Scores).Any(p => p.First != p.Second), "seed 2 trains another model: " + string.Join(", ", other.Scores));
        CollectionAssert.AreEqual(first.Scores, explicitSeed.Scores, "DaClipOptions.Seed = 1 wins over the context's seed 2");
        CollectionAssert.AreEqual(first.Map, explicitSeed.Map);
        CollectionAssert.AreEqual(first.Scores, byConstructor.Scores, "new DaClipEstimator(mlContext, options) takes the context's seed too");
        Assert.IsTrue(first.Log.Any(l => l.Contains("seed 1 (from the MLContext)", StringComparison.Ordinal)), string.Join("\n", first.Log));
        Assert.IsTrue(explicitSeed.Log.Any(l => l.Contains("seed 1,", StringComparison.Ordinal)), string.Join("\n", explicitSeed.Log));

        // The fitted transformer's model copy lives under MLContext.TempFilePath while it lives, and is deleted with it.
        foreach (var run in new[] { first, again, other, explicitSeed, byConstructor })
        {
            Assert.AreEqual(1, run.TempFiles);
            Assert.AreEqual(0, run.TempFilesAfterDispose);
        }
    }

    [TestMethod]
    public void UnseededContext_DrawsTheSeedFromItsRandomSource()
    {
        using var temp = new TempDir("mlnet-context-unseeded");
        int SeedOf(string[] log)
        {
            var line = log.Single(l => l.Contains("DA-CLIP training on", StringComparison.Ordinal));
            var match = System.Text.RegularExpressions.Regex.Match(line, @"seed (\d+) \(from the MLContext\)");
            Assert.IsTrue(match.Success, line);
            return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        }
        var first = Train(new MLContext(), Options(), temp.Path);
        var second = Train(new MLContext(), Options(), temp.Path);
        Assert.AreNotEqual(SeedOf(first.Log), SeedOf(second.Log), "two unseeded contexts draw different seeds, as ML.NET's trainers do");
        Assert.IsTrue(first.Scores.All(float.IsFinite));
    }

    [TestMethod]
    public void CancelExecution_StopsFitAfterTheCurrentStep()
    {
        var ml = new MLContext(seed: 1);
        var data = _f.Rows(ml);
        var reports = new List<DaClipTrainingProgress>();
        int reportsAtCancel = -1;
        var options = Options();
        options.Epochs = 3;
        options.Progress = new SyncProgress(p =>
        {
            reports.Add(p);
            if (reportsAtCancel < 0)
            {
                reportsAtCancel = reports.Count;
                CancelExecution(ml);
            }
        });
        var trainer = ml.AnomalyDetection.Trainers.DaClip(options);
        Assert.ThrowsExactly<OperationCanceledException>(() => trainer.Fit(data));
        Assert.AreEqual(1, reportsAtCancel);
        Assert.AreEqual(reportsAtCancel, reports.Count, "no step runs after CancelExecution");

        // A context cancelled before Fit stops it before any step.
        var cancelled = new MLContext(seed: 1);
        CancelExecution(cancelled);
        var none = new List<DaClipTrainingProgress>();
        var early = Options();
        early.Progress = new SyncProgress(none.Add);
        var e = Assert.ThrowsExactly<OperationCanceledException>(() => cancelled.AnomalyDetection.Trainers.DaClip(early).Fit(_f.Rows(cancelled)));
        Assert.AreEqual("Operation was cancelled.", e.Message);
        Assert.AreEqual(0, none.Count);
        Assert.ThrowsExactly<OperationCanceledException>(() => cancelled.Transforms.ApplyDaClipModel(_f.ModelPath).Fit(_f.Rows(cancelled)));
    }

    [TestMethod]
    public void GpuDeviceId_OfTheContext_SelectsTheProvider_UnlessTheOptionsSayOtherwise()
    {
        var cpu = new MLContext(seed: 1);
        var data = _f.Rows(cpu);
        using var reference = cpu.Transforms.ApplyDaClipModel(_f.ModelPath).Fit(data);
        var expected = MLNetTestData.Scores(reference.Transform(data));

        // GpuDeviceId with FallbackToCpu: scores (on CPU where CUDA cannot start), in ML.NET's path and in ScoreBatch.
        var fallback = new MLContext(seed: 1) { GpuDeviceId = 0, FallbackToCpu = true };
        var log = new List<string>();
        fallback.Log += (_, e) => { if (e.Source == "DaClip") lock (log) log.Add(e.Message); };
        using (var model = fallback.Transforms.ApplyDaClipModel(_f.ModelPath).Fit(_f.Rows(fallback)))
        {
            CollectionAssert.AreEqual(expected, MLNetTestData.Scores(model.Transform(data)));
            CollectionAssert.AreEqual(expected, model.ScoreBatch(data).Select(p => p.Score).ToArray());
        }
        Assert.IsTrue(log.Any(l => l.Contains("ONNX Runtime on GPU 0 (CPU fallback)", StringComparison.Ordinal)), string.Join("\n", log));

        var strict = new MLContext(seed: 1) { GpuDeviceId = 0, FallbackToCpu = false };
        bool cudaWorks;
        using (var probe = new DaClipOnnxScorer(_f.ModelPath, new DaClipScorerOptions { Provider = ExecutionProvider.Auto }))
            cudaWorks = probe.ExecutionProvider == ExecutionProvider.Cuda;
        if (cudaWorks)
        {
            using var onGpu = strict.Transforms.ApplyDaClipModel(_f.ModelPath).Fit(_f.Rows(strict));
            CollectionAssert.AreEqual(expected.Select(s => MathF.Round(s, 4)).ToArray(), MLNetTestData.Scores(onGpu.Transform(data)).Select(s => MathF.Round(s, 4)).ToArray());
        }
        else
        {
            // No usable CUDA (this CI machine): the context's device without fallback fails, typed and naming the fix.
            var e = Assert.ThrowsExactly<ExecutionProviderUnavailableException>(() => strict.Transforms.ApplyDaClipModel(_f.ModelPath).Fit(_f.Rows(strict)));
            Assert.AreEqual(ExecutionProvider.Cuda, e.Provider);
            StringAssert.Contains(e.Message, "CUDA device 0");
            StringAssert.Contains(e.Message, "FallbackToCpu = true");
        }

        // The options override the context: a device of their own with fallback scores on this machine.
        var options = new DaClipScoringOptions { GpuDeviceId = 0, FallbackToCpu = true };
        using (var model = strict.Transforms.ApplyDaClipModel(_f.ModelPath, options).Fit(_f.Rows(strict)))
            Assert.AreEqual(expected.Length, MLNetTestData.Scores(model.Transform(data)).Length);
        // And the constructor path reads the same settings from the context it is given.
        if (!cudaWorks)
            Assert.ThrowsExactly<ExecutionProviderUnavailableException>(() => new DaClipScoringEstimator(strict, _f.Model).Fit(_f.Rows(strict)));
    }

    [TestMethod]
    public void TempFilePath_OfTheContext_HoldsTheScoringModelCopy()
    {
        using var temp = new TempDir("mlnet-context-scoring-temp");
        var ml = new MLContext(seed: 1) { TempFilePath = temp.Path };
        var model = ml.Transforms.ApplyDaClipModel(_f.ModelPath).Fit(_f.Rows(ml));
        var files = Directory.GetFiles(temp.Path, "daclip-*.onnx");
        Assert.AreEqual(1, files.Length);
        CollectionAssert.AreEqual(model.GetOnnxModel(), File.ReadAllBytes(files[0]));
        using (var lower = model.WithThreshold(0.1f))
            Assert.AreEqual(2, Directory.GetFiles(temp.Path, "daclip-*.onnx").Length);
        model.Dispose();
        Assert.AreEqual(0, Directory.GetFiles(temp.Path).Length, "every temporary file is deleted");
    }

    private sealed class SyncProgress(Action<DaClipTrainingProgress> report) : IProgress<DaClipTrainingProgress>
    {
        public void Report(DaClipTrainingProgress value) => report(value);
    }
}
