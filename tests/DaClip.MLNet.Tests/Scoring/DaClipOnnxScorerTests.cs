using DaClip.MLNet.Imaging;
using DaClip.MLNet.Scoring;
using DaClip.MLNet.Tests.Imaging;
using DaClip.MLNet.Tests.Infrastructure;
using Microsoft.ML.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Scoring;

[TestClass]
public class DaClipOnnxScorerTests
{
    private const int Size = 16, Grid = 4;
    private const float Threshold = 0.5f;
    private static DirectoryInfo _dir = null!;
    private static string _modelPath = null!;
    private static string[] _images = null!;

    [ClassInitialize]
    public static void Setup(TestContext _)
    {
        _dir = Directory.CreateTempSubdirectory("daclip-scorer-");
        _modelPath = Path.Combine(_dir.FullName, "fake.onnx");
        FakeDaClipModel.Build(Size, Grid, Threshold).Save(_modelPath);
        // Five RGB images of different sizes: brightness ramps so that some score above the threshold and some below.
        var rng = new Random(5);
        _images = new string[5];
        for (int k = 0; k < _images.Length; k++)
        {
            int w = 10 + 7 * k, h = 30 - 4 * k;
            var samples = new int[w * h * 3];
            for (int i = 0; i < samples.Length; i++) samples[i] = Math.Clamp((int)(k * 50 + rng.Next(-40, 80)), 0, 255);
            _images[k] = Path.Combine(_dir.FullName, $"img{k}.png");
            File.WriteAllBytes(_images[k], TestImageFiles.Png(w, h, 2, 8, samples));
        }
    }

    [ClassCleanup]
    public static void Cleanup() => _dir.Delete(recursive: true);

    private static DaClipScorerOptions Cpu(List<string>? log = null) =>
        new() { Provider = ExecutionProvider.Cpu, IntraOpThreads = 1, Log = log == null ? null : log.Add };

    [TestMethod]
    [DataRow(1)]
    [DataRow(3)]
    public void ScoresMatchCSharpAtBatchSize(int batchSize)
    {
        using var scorer = new DaClipOnnxScorer(_modelPath, Cpu());
        Assert.AreEqual(Size, scorer.ImageSize);
        Assert.AreEqual(Threshold, scorer.Threshold);
        Assert.AreEqual(ExecutionProvider.Cpu, scorer.ExecutionProvider);
        var predictions = scorer.Score(_images, batchSize);
        Assert.AreEqual(_images.Length, predictions.Count);
        var preprocessor = new ImagePreprocessor(Size);
        int positives = 0;
        for (int i = 0; i < _images.Length; i++)
        {
            var p = predictions[i];
            var e = FakeDaClipModel.Expected(preprocessor.Process(_images[i]), Size, Grid, Threshold);
            Assert.AreEqual(_images[i], p.Source);
            Assert.AreEqual(e.Score, p.Score, 1e-5, $"score {i}");
            Assert.AreEqual(e.Label, p.PredictedLabel, $"label {i}");
            Assert.AreEqual(e.Global, p.GlobalProb, 1e-6, $"global {i}");
            Assert.AreEqual(Size, p.ImageSize);
            Assert.AreEqual(Grid, p.Grid);
            Tolerance.AssertClose(p.AnomalyMap, e.Map, 1e-6, 1e-6, $"anomaly map {i}");
            Tolerance.AssertClose(p.PatchMap, e.Patch, 1e-6, 1e-6, $"patch map {i}");
            if (p.PredictedLabel) positives++;
        }
        Assert.IsTrue(positives > 0 && positives < _images.Length, "the images straddle the threshold");
    }

    [TestMethod]
    public void InMemoryInputsGiveTheSameResultsAsFiles()
    {
        using var scorer = new DaClipOnnxScorer(File.ReadAllBytes(_modelPath), Cpu(), "fake bytes");
        // Same batch size everywhere: in general a different N changes where each image starts in memory, and ONNX
        // Runtime's CPU kernels may then round differently (last bit).
        var fromFiles = scorer.Score(_images, 5);
        var decoded = _images.Select(ImageDecoder.Decode).ToList();
        var fromImages = scorer.Score(decoded, 5);
        var pixels = decoded.SelectMany(scorer.Preprocessor.Process).ToArray();
        var fromPixels = scorer.ScorePixels(pixels, decoded.Count);
        var mlImages = _images.Select(MLImage.CreateFromFile).ToList();
        try
        {
            var fromMl = scorer.Score(mlImages, 5);
            for (int i = 0; i < _images.Length; i++)
            {
                Assert.AreEqual($"#{i}", fromImages[i].Source);
                Assert.AreEqual(fromFiles[i].Score, fromImages[i].Score);
                Assert.AreEqual(fromFiles[i].Score, fromPixels[i].Score);
                CollectionAssert.AreEqual(fromFiles[i].AnomalyMap, fromPixels[i].AnomalyMap);
                Assert.AreEqual(fromFiles[i].Score, fromMl[i].Score, 1e-6, "opaque 8-bit images decode identically through MLImage");
            }
        }
        finally
        {
            foreach (var m in mlImages) m.Dispose();
        }
    }

    [TestMethod]
    public void ConcurrentCallsGiveIdenticalResults()
    {
        using var scorer = new DaClipOnnxScorer(_modelPath, Cpu() with { IntraOpThreads = 0, MaxDecodeParallelism = 2 });
        var reference = scorer.Score(_images, 2);
        var results = new IReadOnlyList<DaClipPrediction>[8];
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, t => results[t] = scorer.Score(_images, 2));
        foreach (var r in results)
            for (int i = 0; i < _images.Length; i++)
            {
                Assert.AreEqual(reference[i].Score, r[i].Score);
                Assert.AreEqual(reference[i].PredictedLabel, r[i].PredictedLabel);
                CollectionAssert.AreEqual(reference[i].AnomalyMap, r[i].AnomalyMap);
                CollectionAssert.AreEqual(reference[i].PatchMap, r[i].PatchMap);
            }
    }

    [TestMethod]
    public void ImageSizeComesFromTheInputShapeWithoutMetadata()
    {
        using var scorer = new DaClipOnnxScorer(FakeDaClipModel.Build(8, 2, 0.3f, sizeInMetadata: false).ToBytes(), Cpu());
        Assert.AreEqual(8, scorer.ImageSize);
        var p = scorer.Score(_images[0]);
        Assert.AreEqual(64, p.AnomalyMap.Length);
        Assert.AreEqual(4, p.PatchMap.Length);
    }

    [TestMethod]
    public void ModelWithoutFormatKeyIsRejectedNamingTheFile()
    {
        var path = Path.Combine(_dir.FullName, "plain.onnx");
        FakeDaClipModel.Build(Size, Grid, Threshold, withFormat: false).Save(path);
        var e = Assert.ThrowsExactly<DaClipFileFormatException>(() => new DaClipOnnxScorer(path, Cpu()));
        Assert.AreEqual(path, e.FilePath);
        StringAssert.Contains(e.Message, DaClipModelMetadata.Format);
        StringAssert.Contains(e.Message, "not a DA-CLIP model");
    }

    [TestMethod]
    public void ModelMissingAnOutputIsRejectedNamingIt()
    {
        var e = Assert.ThrowsExactly<DaClipFileFormatException>(() =>
            new DaClipOnnxScorer(FakeDaClipModel.Build(Size, Grid, Threshold, withPatchMap: false).ToBytes(), Cpu(), "no-patch-map"));
        Assert.AreEqual("no-patch-map", e.FilePath);
        StringAssert.Contains(e.Message, "'patch_map'");
    }

    [TestMethod]
    public void NonOnnxAndMissingFilesAreRejected()
    {
        var garbage = Path.Combine(_dir.FullName, "garbage.onnx");
        File.WriteAllText(garbage, "not a protobuf");
        var e = Assert.ThrowsExactly<DaClipFileFormatException>(() => new DaClipOnnxScorer(garbage, Cpu()));
        StringAssert.Contains(e.Message, "cannot load this model");
        var missing = Path.Combine(_dir.FullName, "missing.onnx");
        var m = Assert.ThrowsExactly<DaClipFileFormatException>(() => new DaClipOnnxScorer(missing, Cpu()));
        StringAssert.Contains(m.Message, "not found");
    }

    [TestMethod]
    public void BadImageIsATypedErrorNamingIt()
    {
        var bad = Path.Combine(_dir.FullName, "bad.png");
        File.WriteAllBytes(bad, []);
        using var scorer = new DaClipOnnxScorer(_modelPath, Cpu());
        var e = Assert.ThrowsExactly<ImageInputException>(() => scorer.Score([_images[0], bad, _images[1]], 3));
        Assert.AreEqual(bad, e.Input);
    }

    [TestMethod]
    public void AutoLogsTheProviderAndFallsBackToCpuWhenCudaCannotStart()
    {
        var log = new List<string>();
        using var scorer = new DaClipOnnxScorer(_modelPath, new DaClipScorerOptions { Provider = ExecutionProvider.Auto, Log = log.Add });
        Assert.AreEqual(1, log.Count, string.Join("\n", log));
        if (scorer.ExecutionProvider == ExecutionProvider.Cpu)
        {
            // No usable CUDA here (this CI machine): the fallback is announced with its reason.
            StringAssert.Contains(log[0], "falling back to CPU");
            StringAssert.Contains(log[0], "CUDA is not available");
            StringAssert.Contains(log[0], _modelPath);
            // An explicit CUDA request fails instead of degrading silently.
            var e = Assert.ThrowsExactly<ExecutionProviderUnavailableException>(() =>
                new DaClipOnnxScorer(_modelPath, new DaClipScorerOptions { Provider = ExecutionProvider.Cuda, Log = log.Add }));
            Assert.AreEqual(ExecutionProvider.Cuda, e.Provider);
            StringAssert.Contains(e.Message, "CUDA 13");
        }
        else
        {
            Assert.AreEqual(ExecutionProvider.Cuda, scorer.ExecutionProvider);
            StringAssert.Contains(log[0], "running on Cuda device 0");
        }
        using var cpu = new DaClipOnnxScorer(_modelPath, Cpu());
        Assert.AreEqual(cpu.Score(_images[2]).Score, scorer.Score(_images[2]).Score, 1e-5);
    }

    [TestMethod]
    public void InvalidModelIsAModelErrorEvenWithAuto()
    {
        var log = new List<string>();
        Assert.ThrowsExactly<DaClipFileFormatException>(() => new DaClipOnnxScorer("not an onnx model"u8.ToArray(), new DaClipScorerOptions { Log = log.Add }));
        Assert.AreEqual(0, log.Count, "no misleading fallback message for a broken model");
    }

    [TestMethod]
    public void DisposedScorerThrows()
    {
        var scorer = new DaClipOnnxScorer(_modelPath, Cpu());
        scorer.Dispose();
        scorer.Dispose();
        Assert.ThrowsExactly<ObjectDisposedException>(() => scorer.Score(_images[0]));
    }
}
