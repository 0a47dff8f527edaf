using System.Globalization;
using System.Text.RegularExpressions;
using DaClip.MLNet.Tests.Infrastructure;
using Microsoft.ML;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Samples;

/// <summary>
/// samples/PipelineComposition runs every step (LoadImages + training, the three evaluators, both calibrations, save,
/// load, PredictionEngine), and the model it saved carries the best-F1 threshold it printed and scores the image it
/// showed with the score it printed.
/// </summary>
[TestClass]
public sealed class PipelineCompositionSampleTests
{
    [TestMethod]
    public void Run_CalibratesSavesAndLoads_TheThresholdAndScoreItPrinted()
    {
        using var dir = new TempDir("pipeline-composition");
        var run = ChildProcess.RunSample("PipelineComposition", [dir.Path]);
        Assert.AreEqual(0, run.ExitCode, run.ToString());
        foreach (var step in new[] { "1. Fitting LoadImages -> DaClip", "2. Evaluation at the default threshold", "3. Thresholds", "4. Saved and loaded", "5. " })
            StringAssert.Contains(run.Output, step, run.ToString());
        foreach (var evaluator in new[] { "AnomalyDetection.Evaluate: AUROC", "BinaryClassification.EvaluateNonCalibrated: accuracy", "EvaluateSegmentation (mean of 4 classes)" })
            Assert.AreEqual(2, Regex.Matches(run.Output, Regex.Escape(evaluator)).Count, $"{evaluator} before and after calibration");

        var bestF1 = Number(run.Output, @"best F1 ([0-9.]+)\.");
        var loadedThreshold = Number(run.Output, @"threshold ([0-9.]+)\.\r?\n5\.");
        Assert.AreEqual(bestF1, loadedThreshold, "the saved model carries the best-F1 threshold");

        var ml = new MLContext();
        var loaded = ml.Model.Load(Path.Combine(dir.Path, "model.zip"), out _);
        using var stage = DaClipTransformer.FromChain(ml, loaded);
        Assert.AreEqual(bestF1, stage.Threshold, 0.0005 + 1e-9, "threshold in model.zip");
        var shown = Regex.Match(run.Output, @"5\. (\S+) \(capsule, [a-z_]+\): score ([0-9.]+), anomalous: (True|False)");
        Assert.IsTrue(shown.Success, run.Output);
        var engine = ml.Model.CreatePredictionEngine<ImagePathRow, ScoreRow>(loaded);
        var prediction = engine.Predict(new ImagePathRow { ImagePath = Path.Combine(dir.Path, shown.Groups[1].Value) });
        Assert.AreEqual(double.Parse(shown.Groups[2].Value, CultureInfo.InvariantCulture), prediction.Score, 0.0005 + 1e-9, "score of the shown image");
        Assert.AreEqual(shown.Groups[3].Value == "True", prediction.PredictedLabel, "verdict of the shown image");
        Assert.AreEqual(prediction.Score > stage.Threshold, prediction.PredictedLabel);
        engine.Dispose();
        (loaded as IDisposable)?.Dispose();
    }

    private static double Number(string text, string pattern)
    {
        var match = Regex.Match(text, pattern);
        Assert.IsTrue(match.Success, $"'{pattern}' not found in:\n{text}");
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    public sealed class ImagePathRow
    {
        public string ImagePath { get; set; } = "";
    }

    public sealed class ScoreRow
    {
        public float Score { get; set; }

        public bool PredictedLabel { get; set; }
    }
}
