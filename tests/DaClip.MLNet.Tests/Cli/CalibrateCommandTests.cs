using System.Globalization;
using System.Text.Json;
using DaClip.MLNet.Data;
using DaClip.MLNet.Tests.Infrastructure;
using Microsoft.ML;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Cli;

/// <summary><c>daclip calibrate</c>: the threshold equals the library's choice on the same scores, and is written into the model.</summary>
[TestClass]
public sealed class CalibrateCommandTests
{
    private static TinyCliModel _m = null!;
    private static float[] _scores = [];
    private static bool[] _labels = [];

    [ClassInitialize]
    public static void Train(TestContext _)
    {
        _m = TinyCliModel.Create("cli-calibrate");
        var data = AnomalyDatasets.Read(DatasetSpec.Parse("mvtec:" + _m.HeldOut), new DatasetReadOptions { Split = DatasetSplit.Test });
        using var model = DaClipTransformer.Load(new MLContext(), _m.Model);
        _scores = model.ScoreBatch(data.ToDataView(new MLContext())).Select(p => p.Score).ToArray();
        _labels = data.Samples.Select(s => s.Label).ToArray();
    }

    [ClassCleanup]
    public static void Cleanup() => _m.Dispose();

    [TestMethod]
    public void Fpr_calibration_rewrites_the_threshold_to_the_normal_score_quantile()
    {
        var copy = _m.Dir.File("fpr.zip");
        File.Copy(_m.Model, copy);
        var (exit, output, err) = CliRunner.Run("calibrate", "--model", copy, "--data", "mvtec:" + _m.HeldOut, "--fpr", "0.25", "--json");
        Assert.AreEqual(0, exit, err);
        float expected = DaClipThresholds.ForFalsePositiveRate(_scores.Where((_, i) => !_labels[i]).ToArray(), 0.25);
        var point = JsonDocument.Parse(output).RootElement;
        Assert.AreEqual(expected, point.GetProperty("threshold").GetSingle());
        Assert.AreEqual(0.5f, point.GetProperty("previousThreshold").GetSingle());
        int flaggedNormals = _scores.Where((s, i) => !_labels[i] && s > expected).Count();
        Assert.AreEqual(flaggedNormals, point.GetProperty("falsePositives").GetInt32());
        Assert.IsTrue(point.GetProperty("falsePositiveRate").GetDouble() <= 0.25);
        Assert.AreEqual(4, point.GetProperty("normal").GetInt32());
        using var model = DaClipTransformer.Load(new MLContext(), copy);
        Assert.AreEqual(expected, model.Threshold, "the model file holds the new threshold");
    }

    [TestMethod]
    public void F1_calibration_to_another_file_prints_the_operating_point_and_leaves_the_model()
    {
        var output = _m.Dir.File("f1.zip");
        var (exit, text, err) = CliRunner.Run("calibrate", "--model", _m.Model, "--data", "mvtec:" + _m.HeldOut, "--f1", "--out", output);
        Assert.AreEqual(0, exit, err);
        var (t, f1) = DaClipThresholds.MaxF1(_scores, _labels);
        StringAssert.Contains(text, $"Threshold {t.ToString("R", CultureInfo.InvariantCulture)} (f1; was 0.5)");
        StringAssert.Contains(text, $"F1 {(100 * f1).ToString("F1", CultureInfo.InvariantCulture)} %");
        using (var calibrated = DaClipTransformer.Load(new MLContext(), output)) Assert.AreEqual(t, calibrated.Threshold);
        using (var original = DaClipTransformer.Load(new MLContext(), _m.Model)) Assert.AreEqual(0.5f, original.Threshold);

        (exit, _, err) = CliRunner.Run("calibrate", "--model", _m.Model, "--data", "mvtec:" + _m.HeldOut);
        Assert.AreEqual(2, exit);
        StringAssert.Contains(err, "exactly one of --fpr");
        (exit, _, err) = CliRunner.Run("calibrate", "--model", _m.Model, "--data", "mvtec:" + _m.HeldOut, "--fpr", "1.5");
        Assert.AreEqual(2, exit);
        StringAssert.Contains(err, "--fpr 1.5");
    }
}
