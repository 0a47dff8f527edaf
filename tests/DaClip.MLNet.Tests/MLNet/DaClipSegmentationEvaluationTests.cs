using DaClip.MLNet.Imaging;
using DaClip.MLNet.Metrics;
using DaClip.MLNet.Tests.Infrastructure;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.MLNet;

[TestClass]
public class DaClipSegmentationEvaluationTests
{

    private static ScoringFixture _f = null!;

    [ClassInitialize]
    public static void Setup(TestContext _) => _f = new ScoringFixture("mlnet-seg", 12, seed: 61, classes: ["bottle", "carpet"]);

    [ClassCleanup]
    public static void Cleanup() => _f.Dispose();

    [TestMethod]
    public void PerClassAndMean_EqualTheMetricsCoreOnTheSameArrays()
    {
        var ml = new MLContext(seed: 1);
        var data = MLNetTestData.Rows(ml, _f.Images);
        using var model = new DaClipScoringEstimator(ml, _f.Model).Fit(data);
        var scored = model.Transform(data);
        var result = ml.AnomalyDetection.EvaluateSegmentation(scored, classColumnName: "Class");

        var scores = MLNetTestData.Scores(scored);
        var maps = MLNetTestData.Maps(scored);
        var reference = new SegmentationEvaluator();
        for (int i = 0; i < _f.Images.Count; i++)
            reference.Add(_f.Images[i].Class, _f.Images[i].Anomalous, scores[i], maps[i], MaskLoader.Load(_f.Images[i].MaskPath, ContractModel.Size), ContractModel.Size, ContractModel.Size);
        var expected = reference.Evaluate();

        CollectionAssert.AreEqual(new[] { "bottle", "carpet" }, result.PerClass.Select(c => c.ClassName).ToArray());
        for (int c = 0; c < 2; c++) Assert.AreEqual(expected.PerClass[c], result.PerClass[c], $"class {c}");
        Assert.AreEqual(expected.Mean, result.Mean);
        Assert.AreEqual(6, result.PerClass[0].ImageCount);
        Assert.IsTrue(result.PerClass.All(c => c.AnomalousPixelCount > 0));
        Assert.IsTrue(result.Mean.PixelAuroc > 0.9, $"the bright squares are found: pixel AUROC {result.Mean.PixelAuroc}");
        Assert.AreEqual((result.PerClass[0].Metrics.PixelAuproExact + result.PerClass[1].Metrics.PixelAuproExact) / 2, result.Mean.PixelAuproExact, 1e-15);
    }

    [TestMethod]
    public void MaskAsImageOrVector_AndStreamingMode_AreAccepted()
    {
        var ml = new MLContext(seed: 1);
        var data = MLNetTestData.Rows(ml, _f.Images);
        using var model = new DaClipScoringEstimator(ml, _f.Model).Fit(data);
        var scored = model.Transform(data);
        var byPath = ml.AnomalyDetection.EvaluateSegmentation(scored);
        Assert.AreEqual("all", byPath.PerClass.Single().ClassName);

        var withImages = ml.Transforms.LoadImages("MaskImage", null, "Mask").Fit(scored).Transform(scored);
        var byImage = ml.AnomalyDetection.EvaluateSegmentation(withImages, maskColumnName: "MaskImage");
        Assert.AreEqual(byPath.Mean, byImage.Mean);

        var vectors = _f.Images.Select(i => new MaskVectorRow { Image = i.Path, Label = i.Anomalous, MaskVector = MaskLoader.Load(i.MaskPath, ContractModel.Size).Select(b => (float)b).ToArray() }).ToList();
        var vectorData = ml.Data.LoadFromEnumerable(vectors);
        var byVector = ml.AnomalyDetection.EvaluateSegmentation(model.Transform(vectorData), maskColumnName: "MaskVector");
        Assert.AreEqual(byPath.Mean, byVector.Mean);

        var streaming = ml.AnomalyDetection.EvaluateSegmentation(scored, new DaClipSegmentationEvaluatorOptions { Metrics = new SegmentationEvaluatorOptions { Mode = SegmentationEvaluationMode.Streaming } });
        Assert.AreEqual(SegmentationEvaluationMode.Streaming, streaming.Mode);
        Assert.AreEqual(byPath.Mean.PixelAuroc, streaming.Mean.PixelAuroc, 1e-4);
        Assert.AreEqual(byPath.Mean.ImageAuroc, streaming.Mean.ImageAuroc);
    }

    [TestMethod]
    public void WrongColumns_AreSchemaErrors()
    {
        var ml = new MLContext(seed: 1);
        var data = MLNetTestData.Rows(ml, _f.Images);
        using var model = new DaClipScoringEstimator(ml, _f.Model).Fit(data);
        var scored = model.Transform(data);
        var e = Assert.ThrowsExactly<DaClipSchemaException>(() => ml.AnomalyDetection.EvaluateSegmentation(scored, maskColumnName: "Label"));
        Assert.AreEqual("mask", e.Role);
        Assert.ThrowsExactly<DaClipSchemaException>(() => ml.AnomalyDetection.EvaluateSegmentation(scored, anomalyMapColumnName: "Score"));
        Assert.ThrowsExactly<DaClipSchemaException>(() => ml.AnomalyDetection.EvaluateSegmentation(scored, classColumnName: "Nope"));
    }

    public sealed class MaskVectorRow
    {
        public string Image { get; set; } = "";

        public bool Label { get; set; }

        [VectorType(ContractModel.Size * ContractModel.Size)]
        public float[] MaskVector { get; set; } = [];
    }
}
