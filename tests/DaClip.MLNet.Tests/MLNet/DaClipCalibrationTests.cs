using System.Globalization;
using DaClip.MLNet.Pipeline;
using DaClip.MLNet.Scoring;
using DaClip.MLNet.Tests.Infrastructure;
using DaClip.MLNet.Training.Export;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.MLNet;

[TestClass]
public class DaClipCalibrationTests
{

    private static ScoringFixture _f = null!;

    [ClassInitialize]
    public static void Setup(TestContext _) => _f = new ScoringFixture("mlnet-calib", 10, seed: 41);

    [ClassCleanup]
    public static void Cleanup() => _f.Dispose();

    [TestMethod]
    public void WithThreshold_RewritesTheGraph_AndSurvivesSaveAndLoad()
    {
        var ml = new MLContext(seed: 1);
        var data = MLNetTestData.Rows(ml, _f.Images);
        using var model = new DaClipScoringEstimator(ml, _f.Model).Fit(data);
        var scores = MLNetTestData.Scores(model.Transform(data));
        float t = scores.Order().ElementAt(2);
        using var moved = model.WithThreshold(t);
        Assert.AreEqual(t, moved.Threshold);
        Assert.AreEqual(_f.Threshold, model.Threshold, "the original is unchanged");
        Assert.AreEqual(t.ToString("R", CultureInfo.InvariantCulture), moved.ModelMetadata[DaClipModelMetadata.Threshold]);
        var scored = moved.Transform(data);
        CollectionAssert.AreEqual(scores, MLNetTestData.Scores(scored));
        CollectionAssert.AreEqual(scores.Select(s => s > t).ToArray(), scored.GetColumn<bool>("PredictedLabel").ToArray());
        CollectionAssert.AreEqual(scores.Select(s => s - t).ToArray(), MLNetTestData.Scores(scored, "ScoreCentered"));

        var zip = _f.File("moved.zip");
        moved.Save(zip, data.Schema);
        var fresh = new MLContext();
        var loaded = fresh.Model.Load(zip, out _);
        CollectionAssert.AreEqual(scores.Select(s => s > t).ToArray(), loaded.Transform(MLNetTestData.Rows(fresh, _f.Images)).GetColumn<bool>("PredictedLabel").ToArray());
        (loaded as IDisposable)?.Dispose();
        using var reloaded = DaClipTransformer.Load(fresh, zip);
        Assert.AreEqual(t, reloaded.Threshold);
        using var scorer = new DaClipOnnxScorer(reloaded.GetOnnxModel(), new DaClipScorerOptions { Provider = ExecutionProvider.Cpu });
        Assert.AreEqual(t, scorer.Threshold);
        CollectionAssert.AreEqual(scores.Select(s => s > t).ToArray(), scorer.Score(_f.Images.Select(i => i.Path).ToList()).Select(p => p.PredictedLabel).ToArray());
    }

    [TestMethod]
    public void CalibrateThreshold_OnNormalImages_FlagsAtMostTheRate()
    {
        var ml = new MLContext(seed: 1);
        var normals = MLNetTestData.Rows(ml, _f.Images.Where(i => !i.Anomalous));
        using var model = new DaClipScoringEstimator(ml, _f.Model).Fit(normals);
        var scores = MLNetTestData.Scores(model.Transform(normals));
        using var calibrated = model.CalibrateThreshold(normals, maxFalsePositiveRate: 0.2);
        Assert.AreEqual(DaClipThresholds.ForFalsePositiveRate(scores, 0.2), calibrated.Threshold);
        var flagged = calibrated.Transform(normals).GetColumn<bool>("PredictedLabel").Count(l => l);
        Assert.AreEqual(1, flagged, "5 normal images at 20 %: one may be flagged, and scores are distinct");
    }

    [TestMethod]
    public void CalibrateThresholdF1_UsesTheBestF1Cut()
    {
        var ml = new MLContext(seed: 1);
        var rows = _f.Images.Select((i, k) => new ImageRow { Image = i.Path, Label = k == 0 ? !i.Anomalous : i.Anomalous }).ToList();
        var data = ml.Data.LoadFromEnumerable(rows);
        using var model = new DaClipScoringEstimator(ml, _f.Model).Fit(data);
        var scores = MLNetTestData.Scores(model.Transform(data));
        var (expected, _) = DaClipThresholds.MaxF1(scores, rows.Select(r => r.Label).ToArray());
        using var calibrated = model.CalibrateThresholdF1(data);
        Assert.AreEqual(expected, calibrated.Threshold);

        var withSingle = ml.Transforms.Conversion.ConvertType("LabelSingle", "Label", DataKind.Single).Fit(data).Transform(data);
        using var fromSingle = model.CalibrateThresholdF1(withSingle, "LabelSingle");
        Assert.AreEqual(expected, fromSingle.Threshold);
        Assert.ThrowsExactly<DaClipSchemaException>(() => model.CalibrateThresholdF1(data, "Image"));
    }

    [TestMethod]
    public void ThresholdTensor_IsFoundThroughIdentityCastAndConstantNodes_InHalfPrecision()
    {
        var builder = new OnnxModelBuilder("half_threshold");
        builder.SetMetadata(DaClipModelMetadata.Format, DaClipModelMetadata.FormatName);
        builder.SetMetadata(DaClipModelMetadata.FormatVersion, "1");
        var g = builder.Graph;
        var pixels = g.AddInput(DaClipModelTensors.Pixels, OnnxElementType.Float, ["N", 3, 8, 8]);
        var map = g.ReduceMean(pixels, [1], keepDims: true);
        var score = g.ReduceMean(map, [1, 2, 3], keepDims: false);
        var half = g.Cast(score, OnnxElementType.Float16);
        var threshold = g.Constant(OnnxTensors.Float16("", [(Half)0.25f], []));
        var label = g.Identity(g.Greater(half, threshold));
        g.AddOutput(DaClipModelTensors.Score, OnnxElementType.Float, ["N"], score);
        g.AddOutput(DaClipModelTensors.PredictedLabel, OnnxElementType.Bool, ["N"], label);
        g.AddOutput(DaClipModelTensors.AnomalyMap, OnnxElementType.Float, ["N", 1, 8, 8], map);
        g.AddOutput(DaClipModelTensors.GlobalProb, OnnxElementType.Float, ["N"], score);
        g.AddOutput(DaClipModelTensors.PatchMap, OnnxElementType.Float, ["N", 1, 2, 2], g.AveragePool(map, [4, 4], [4, 4]));
        var model = DaClipOnnxModel.Parse(builder.ToBytes(), "half");
        Assert.AreEqual(8, model.Contract.ImageSize);
        Assert.AreEqual(0.25f, model.Contract.Threshold);
        model.SetThreshold(0.3f);
        Assert.AreEqual((float)(Half)0.3f, model.Contract.Threshold, "stored at the tensor's precision");
        var again = DaClipOnnxModel.Parse(model.ToBytes(), "half again");
        Assert.AreEqual((float)(Half)0.3f, again.Contract.Threshold);
        Assert.AreEqual(((float)(Half)0.3f).ToString("R", CultureInfo.InvariantCulture), again.GetMetadata(DaClipModelMetadata.Threshold));
    }

    [TestMethod]
    public void NotADaClipModel_IsAFileFormatError()
    {
        var builder = new OnnxModelBuilder("plain");
        var g = builder.Graph;
        var x = g.AddInput("x", OnnxElementType.Float, [1]);
        g.AddOutput("y", OnnxElementType.Float, [1], g.Identity(x));
        var ml = new MLContext();
        var data = MLNetTestData.Rows(ml, _f.Images);
        var e = Assert.ThrowsExactly<DaClipFileFormatException>(() => new DaClipScoringEstimator(ml, builder.ToBytes(), source: "plain.onnx").Fit(data));
        StringAssert.Contains(e.Message, DaClipModelMetadata.Format);
        Assert.ThrowsExactly<DaClipFileFormatException>(() => new DaClipScoringEstimator(ml, [1, 2, 3]).Fit(data));
    }
}
