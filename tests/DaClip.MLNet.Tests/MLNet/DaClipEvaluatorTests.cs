using DaClip.MLNet.Tests.Infrastructure;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.MLNet;

/// <summary>ML.NET's own evaluators on DA-CLIP's columns (the recipe of docs/mlnet.md), against independent numbers.</summary>
[TestClass]
public class DaClipEvaluatorTests
{

    private static ScoringFixture _f = null!;

    [ClassInitialize]
    public static void Setup(TestContext _) => _f = new ScoringFixture("mlnet-eval", 12, seed: 31);

    [ClassCleanup]
    public static void Cleanup() => _f.Dispose();

    /// <summary>The images with two labels swapped, so that the scores do not separate the classes perfectly.</summary>
    private static (IDataView Scored, float[] Scores, bool[] Labels, bool[] Predicted, DaClipTransformer Model) Score(MLContext ml)
    {
        var rows = _f.Images.Select((i, k) => new ImageRow { Image = i.Path, Label = k is 0 or 1 ? !i.Anomalous : i.Anomalous }).ToList();
        var data = ml.Data.LoadFromEnumerable(rows);
        var model = new DaClipScoringEstimator(ml, _f.Model).Fit(data);
        var scored = model.Transform(data);
        return (scored, MLNetTestData.Scores(scored), rows.Select(r => r.Label).ToArray(), scored.GetColumn<bool>("PredictedLabel").ToArray(), model);
    }

    [TestMethod]
    public void AnomalyDetectionEvaluate_OnScore_WithASingleLabel()
    {
        var ml = new MLContext(seed: 1);
        var (scored, scores, labels, _, model) = Score(ml);
        using var _ = model;
        double reference = MLNetTestData.BruteForceAuc(scores, labels);
        Assert.IsTrue(reference is > 0.5 and < 1, $"the test needs an imperfect ranking; AUC {reference}");

        var withSingleLabel = ml.Transforms.Conversion.ConvertType("LabelSingle", "Label", DataKind.Single).Fit(scored).Transform(scored);
        var metrics = ml.AnomalyDetection.Evaluate(withSingleLabel, labelColumnName: "LabelSingle", scoreColumnName: "Score", predictedLabelColumnName: "PredictedLabel", falsePositiveCount: 1);
        Assert.AreEqual(reference, metrics.AreaUnderRocCurve, 1e-12);

        var order = Enumerable.Range(0, scores.Length).OrderByDescending(i => scores[i]).ToArray();
        int falsePositives = 0, detected = 0;
        foreach (var i in order)
        {
            if (!labels[i] && ++falsePositives > 1) break;
            if (labels[i]) detected++;
        }
        Assert.AreEqual(detected / (double)labels.Count(l => l), metrics.DetectionRateAtFalsePositiveCount, 1e-12);
    }

    [TestMethod]
    public void BinaryClassificationEvaluateNonCalibrated_OnScoreCentered_MatchesThePredictedLabel()
    {
        var ml = new MLContext(seed: 1);
        var (scored, scores, labels, predicted, model) = Score(ml);
        using var _ = model;
        var metrics = ml.BinaryClassification.EvaluateNonCalibrated(scored, labelColumnName: "Label", scoreColumnName: "ScoreCentered", predictedLabelColumnName: "PredictedLabel");
        Assert.AreEqual(MLNetTestData.BruteForceAuc(scores, labels), metrics.AreaUnderRocCurve, 1e-12);

        int tp = 0, fp = 0, tn = 0, fn = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            if (predicted[i] && labels[i]) tp++;
            else if (predicted[i]) fp++;
            else if (labels[i]) fn++;
            else tn++;
        }
        Assert.AreEqual((tp + tn) / (double)labels.Length, metrics.Accuracy, 1e-12);
        Assert.AreEqual(2.0 * tp / (2 * tp + fp + fn), metrics.F1Score, 1e-12);
        Assert.AreEqual(tp, metrics.ConfusionMatrix.Counts[0][0]);
        Assert.AreEqual(fn, metrics.ConfusionMatrix.Counts[0][1]);
        Assert.AreEqual(fp, metrics.ConfusionMatrix.Counts[1][0]);
    }
}
