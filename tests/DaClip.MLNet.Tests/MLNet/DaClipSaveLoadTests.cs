using System.Diagnostics;
using System.Globalization;
using DaClip.MLNet.Scoring;
using DaClip.MLNet.Tests.Infrastructure;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.MLNet;

[TestClass]
public class DaClipSaveLoadTests
{

    private static ScoringFixture _f = null!;

    [ClassInitialize]
    public static void Setup(TestContext _) => _f = new ScoringFixture("mlnet-saveload", 6, seed: 21);

    [ClassCleanup]
    public static void Cleanup() => _f.Dispose();

    [TestMethod]
    public void SaveThenLoad_InAFreshContext_ScoresIdentically()
    {
        var ml = new MLContext(seed: 1);
        var data = MLNetTestData.Rows(ml, _f.Images);
        using var model = new DaClipScoringEstimator(ml, _f.Model).Fit(data);
        var expected = Results(model.Transform(data));
        var zip = _f.File("alone.zip");
        ml.Model.Save(model, data.Schema, zip);

        var fresh = new MLContext();
        var loaded = fresh.Model.Load(zip, out var schema);
        Assert.IsInstanceOfType<TransformerChain<ITransformer>>(loaded);
        CollectionAssert.AreEqual(data.Schema.Select(c => c.Name).ToArray(), schema.Select(c => c.Name).ToArray());
        AssertSame(expected, Results(loaded.Transform(MLNetTestData.Rows(fresh, _f.Images))), "Model.Load");
        (loaded as IDisposable)?.Dispose();

        using var wrapped = DaClipTransformer.Load(fresh, zip);
        Assert.AreEqual(ContractModel.Size, wrapped.ImageSize);
        Assert.AreEqual(_f.Threshold, wrapped.Threshold);
        Assert.AreEqual(DaClipImageKind.Path, wrapped.ImageKind);
        Assert.AreEqual("Image", wrapped.ImageColumnName);
        Assert.AreEqual(DaClipModelMetadata.FormatName, wrapped.ModelMetadata[DaClipModelMetadata.Format]);
        var rows = MLNetTestData.Rows(fresh, _f.Images);
        AssertSame(expected, Results(wrapped.Transform(rows)), "DaClipTransformer.Load");
        CollectionAssert.AreEqual(expected.Scores, wrapped.ScoreBatch(rows, 4).Select(p => p.Score).ToArray());
    }

    [TestMethod]
    public void Pipeline_WithLoadImages_SavesLoadsAndUnwraps()
    {
        var ml = new MLContext(seed: 1);
        var data = MLNetTestData.Rows(ml, _f.Images);
        var pipeline = ml.Transforms.LoadImages("Picture", null, "Image")
            .Append(new DaClipScoringEstimator(ml, _f.Model, new DaClipScoringOptions { ImageColumnName = "Picture", ScoreColumnName = "Score" }));
        using var model = pipeline.Fit(data);
        var expected = Results(model.Transform(data));
        var zip = _f.File("pipeline.zip");
        ml.Model.Save(model, data.Schema, zip);

        var fresh = new MLContext();
        var loaded = fresh.Model.Load(zip, out _);
        var rows = MLNetTestData.Rows(fresh, _f.Images);
        AssertSame(expected, Results(loaded.Transform(rows)), "pipeline Model.Load");

        var notAlone = Assert.ThrowsExactly<DaClipFileFormatException>(() => DaClipTransformer.Load(fresh, zip));
        StringAssert.Contains(notAlone.Message, "FromChain");
        using (var stage = DaClipTransformer.FromChain(fresh, loaded))
        {
            Assert.AreEqual(DaClipImageKind.Image, stage.ImageKind);
            Assert.AreEqual("Picture", stage.ImageColumnName);
            var pictures = fresh.Transforms.LoadImages("Picture", null, "Image").Fit(rows).Transform(rows);
            CollectionAssert.AreEqual(expected.Scores, stage.ScoreBatch(pictures).Select(p => p.Score).ToArray());
        }
        AssertSame(expected, Results(loaded.Transform(rows)), "the loaded pipeline still scores after the unwrapped stage is disposed");
        (loaded as IDisposable)?.Dispose();
    }

    [TestMethod]
    public void ChildProcess_LoadsTheZip_AndScoresIdentically()
    {
        var ml = new MLContext(seed: 1);
        var data = MLNetTestData.Rows(ml, _f.Images);
        using var model = new DaClipScoringEstimator(ml, _f.Model).Fit(data);
        var expected = Results(model.Transform(data));
        var zip = _f.File("child.zip");
        model.Save(zip, data.Schema);
        var list = _f.File("images.txt");
        File.WriteAllLines(list, _f.Images.Select(i => i.Path));
        var output = _f.File("child-scores.txt");

        var helper = Path.Combine(AppContext.BaseDirectory, "DaClip.MLNet.LoadCheck.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "exec", helper, zip, list, output }) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        string err = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.AreEqual(0, process.ExitCode, err);

        var lines = File.ReadAllLines(output);
        Assert.AreEqual(_f.Images.Count, lines.Length);
        for (int i = 0; i < lines.Length; i++)
        {
            var parts = lines[i].Split(' ');
            Assert.AreEqual(expected.Scores[i], float.Parse(parts[0], CultureInfo.InvariantCulture), $"score {i}");
            Assert.AreEqual(expected.Labels[i], parts[1] == "1", $"label {i}");
            CollectionAssert.AreEqual(expected.Maps[i], parts.Skip(2).Select(p => float.Parse(p, CultureInfo.InvariantCulture)).ToArray(), $"map {i}");
        }
    }

    [TestMethod]
    public void NoTemporaryFiles_RemainAfterFitSaveLoadAndDispose()
    {
        using var temp = new TempDir("mlnet-tmp");
        using var outDir = new TempDir("mlnet-out");
        var ml = new MLContext(seed: 1) { TempFilePath = temp.Path };
        var data = MLNetTestData.Rows(ml, _f.Images);
        var model = new DaClipScoringEstimator(ml, _f.Model).Fit(data);
        Assert.AreEqual(1, Directory.GetFiles(temp.Path).Length, "the transformer's model copy while it lives");
        var zip = Path.Combine(outDir.Path, "m.zip");
        model.Save(zip, data.Schema);
        Assert.AreEqual(1, Directory.GetFiles(temp.Path).Length, "saving leaves nothing behind");
        CollectionAssert.AreEqual(new[] { zip }, Directory.GetFiles(outDir.Path));

        var loaded = ml.Model.Load(zip, out _);
        var wrapped = DaClipTransformer.Load(ml, zip);
        var calibrated = wrapped.WithThreshold(0.1f);
        MLNetTestData.Scores(calibrated.Transform(data));
        model.Dispose();
        (loaded as IDisposable)?.Dispose();
        wrapped.Dispose();
        calibrated.Dispose();
        CollectionAssert.AreEqual(Array.Empty<string>(), Directory.GetFileSystemEntries(temp.Path), "temporary folder after dispose");
    }

    [TestMethod]
    public void FailedSave_LeavesNoPartialZip()
    {
        using var temp = new TempDir("mlnet-tmp2");
        using var outDir = new TempDir("mlnet-out2");
        var ml = new MLContext(seed: 1) { TempFilePath = temp.Path };
        var data = MLNetTestData.Rows(ml, _f.Images);
        using var model = new DaClipScoringEstimator(ml, _f.Model).Fit(data);
        // ML.NET re-reads the model file when saving: remove it to make the save fail half-way.
        File.Delete(Directory.GetFiles(temp.Path).Single());
        var zip = Path.Combine(outDir.Path, "m.zip");
        Assert.Throws<Exception>(() => model.Save(zip, data.Schema));
        CollectionAssert.AreEqual(Array.Empty<string>(), Directory.GetFileSystemEntries(outDir.Path));
    }

    [TestMethod]
    public void CatalogPath_DeletesItsModelCopy_OnDispose()
    {
        var ml = new MLContext(seed: 1);
        var data = MLNetTestData.Rows(ml, _f.Images);
        var path = _f.File("catalog.onnx");
        File.WriteAllBytes(path, _f.Model);
        var model = ml.Transforms.ApplyDaClipModel(path).Fit(data);
        var copy = model.ModelFilePath;
        Assert.AreEqual(Path.GetFullPath(Path.GetTempPath()), Path.GetFullPath(Path.GetDirectoryName(copy)!) + Path.DirectorySeparatorChar);
        Assert.IsTrue(File.Exists(copy));
        model.Dispose();
        Assert.IsFalse(File.Exists(copy));
        Assert.IsTrue(File.Exists(path), "the user's model file is not touched");
    }

    internal sealed record Scored(float[] Scores, bool[] Labels, float[][] Maps);

    internal static Scored Results(IDataView scored) =>
        new(MLNetTestData.Scores(scored), scored.GetColumn<bool>("PredictedLabel").ToArray(), MLNetTestData.Maps(scored));

    internal static void AssertSame(Scored expected, Scored actual, string what)
    {
        CollectionAssert.AreEqual(expected.Scores, actual.Scores, $"{what}: scores");
        CollectionAssert.AreEqual(expected.Labels, actual.Labels, $"{what}: labels");
        for (int i = 0; i < expected.Maps.Length; i++) CollectionAssert.AreEqual(expected.Maps[i], actual.Maps[i], $"{what}: map {i}");
    }
}
