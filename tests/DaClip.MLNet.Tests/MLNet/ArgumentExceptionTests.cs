using DaClip.Cli.Common;
using DaClip.MLNet.Tests.Infrastructure;
using DaClip.MLNet.Training;
using DaClip.Serve;
using Microsoft.ML;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.MLNet;

/// <summary>
/// Schema and option errors are catchable as ML.NET's own (<c>catch (ArgumentException)</c>, as ML.NET's schema checks
/// throw <see cref="ArgumentOutOfRangeException"/>), keep the project's messages, and the CLI and the server still
/// report them as input errors.
/// </summary>
[TestClass]
public class ArgumentExceptionTests
{
    private static ScoringFixture _f = null!;

    [ClassInitialize]
    public static void Setup(TestContext _) => _f = new ScoringFixture("mlnet-argument", 4, seed: 93);

    [ClassCleanup]
    public static void Cleanup() => _f.Dispose();

    /// <summary>Runs <paramref name="action"/> and returns what a <c>catch (ArgumentException)</c> caught.</summary>
    private static ArgumentException Caught(Action action)
    {
        try
        {
            action();
        }
        catch (ArgumentException e)
        {
            return e;
        }
        Assert.Fail("no ArgumentException");
        return null!;
    }

    [TestMethod]
    public void SchemaErrors_OfEstimatorTransformerAndEvaluator_AreArgumentExceptions_NamingTheColumn()
    {
        var ml = new MLContext(seed: 1);
        var data = _f.Rows(ml);
        var trainer = ml.AnomalyDetection.Trainers.DaClip(new DaClipOptions { Backbone = "tiny", LabelColumnName = "Verdict" });
        var cases = new (string Column, Action Action)[]
        {
            ("Verdict", () => trainer.GetOutputSchema(DaClipTransformerTests.SchemaShapeOf(ml, data))),
            ("Verdict", () => trainer.Fit(data)),
            ("Photo", () => ml.Transforms.ApplyDaClipModel(_f.ModelPath, "Photo").Fit(data)),
            ("Label", () => ml.Transforms.ApplyDaClipModel(_f.ModelPath, "Label").GetOutputSchema(DaClipTransformerTests.SchemaShapeOf(ml, data))),
            ("Photo", () => ml.AnomalyDetection.Trainers.DaClipZeroShot(new DaClipZeroShotOptions { Backbone = "tiny", ImageColumnName = "Photo" }).Fit(data)),
        };
        foreach (var (column, action) in cases)
        {
            var e = Caught(action);
            Assert.IsInstanceOfType<ArgumentOutOfRangeException>(e);
            Assert.IsInstanceOfType<DaClipSchemaException>(e);
            Assert.AreEqual(column, e.ParamName);
            Assert.IsFalse(e.Message.Contains("(Parameter", StringComparison.Ordinal), e.Message);
        }

        using var model = ml.Transforms.ApplyDaClipModel(_f.ModelPath).Fit(data);
        var bytes = ml.Transforms.LoadRawImageBytes("Image", null, "Image").Fit(data).Transform(data);
        Assert.AreEqual("Image", Caught(() => model.Transform(bytes)).ParamName);
        Assert.AreEqual("Image", Caught(() => model.GetOutputSchema(bytes.Schema)).ParamName);
        var scored = model.Transform(data);
        Assert.AreEqual("Label", Caught(() => ml.AnomalyDetection.EvaluateSegmentation(scored, maskColumnName: "Label")).ParamName);
        Assert.AreEqual("Nope", Caught(() => ml.AnomalyDetection.EvaluateSegmentation(scored, classColumnName: "Nope")).ParamName);
        Assert.AreEqual("Score", Caught(() => ml.AnomalyDetection.EvaluateSegmentation(scored, anomalyMapColumnName: "Score")).ParamName);
        Assert.AreEqual("Image", Caught(() => model.CalibrateThresholdF1(data, "Image")).ParamName);
    }

    [TestMethod]
    public void SchemaException_KeepsTheProjectsMessages()
    {
        var missing = new DaClipSchemaException("label", "Verdict", "Boolean or Single", null, "Name the label column with LabelColumnName.");
        Assert.AreEqual("The label column 'Verdict' is missing from the data (expected Boolean or Single). Name the label column with LabelColumnName.", missing.Message);
        var wrong = new DaClipSchemaException("mask", "Label", "String", "Boolean", "Give mask file paths.");
        Assert.AreEqual("The mask column 'Label' has type Boolean; DA-CLIP expects String. Give mask file paths.", wrong.Message);
        Assert.AreEqual("Label", wrong.ParamName);
        Assert.AreEqual("Label", wrong.ColumnName);

        var ml = new MLContext(seed: 1);
        var e = Caught(() => ml.Transforms.ApplyDaClipModel(_f.ModelPath, "Photo").Fit(_f.Rows(ml)));
        StringAssert.StartsWith(e.Message, "The image column 'Photo' is missing from the data (expected ");
    }

    [TestMethod]
    public void InvalidOptions_AreArgumentOutOfRangeExceptions_NamingTheOption()
    {
        var ml = new MLContext(seed: 1);
        var cases = new (string Option, string Message, Action Action)[]
        {
            ("Epochs", "DaClipTrainingOptions.Epochs = 0: train at least one epoch.", () => ml.AnomalyDetection.Trainers.DaClip(new DaClipOptions { Backbone = "tiny", Epochs = 0 })),
            ("Backbone", "DaClipOptions.Backbone is empty", () => ml.AnomalyDetection.Trainers.DaClip(new DaClipOptions())),
            ("ImageSize", "DaClipModelOptions.ImageSize = 4:", () => ml.AnomalyDetection.Trainers.DaClip(new DaClipOptions { Backbone = "tiny", Model = new DaClipModelOptions { ImageSize = 4 } })),
            ("Alpha", "DaClipModelOptions.Alpha = 2:", () => new DaClipModelOptions { Alpha = 2 }.Validate()),
            ("Taps", "DaClipModelOptions.Taps contains layer 9", () => new DaClipModelOptions { Taps = [9] }.ResolveTaps(4)),
            ("ScoreColumnName", "DaClipScoringOptions: the output column names", () => ml.Transforms.ApplyDaClipModel(_f.ModelPath, new DaClipScoringOptions { ScoreColumnName = "AnomalyMap" })),
            ("GpuDeviceId", "DaClipScoringOptions.GpuDeviceId = -1:", () => ml.Transforms.ApplyDaClipModel(_f.ModelPath, new DaClipScoringOptions { GpuDeviceId = -1 })),
            ("Backbone", "DaClipZeroShotOptions.Backbone is empty", () => ml.Transforms.DetectAnomaliesZeroShot(new DaClipZeroShotOptions())),
            ("Beta2", "DaClipTrainingOptions.Beta1/Beta2", () => new DaClipTrainingOptions { Beta2 = 1 }.Validate()),
        };
        foreach (var (option, message, action) in cases)
        {
            var e = Caught(action);
            Assert.IsInstanceOfType<DaClipOptionException>(e, option);
            Assert.AreEqual(option, e.ParamName);
            StringAssert.StartsWith(e.Message, message);
            Assert.IsFalse(e.Message.Contains("(Parameter", StringComparison.Ordinal), e.Message);
        }
    }

    [TestMethod]
    public void CliAndServer_StillReportThemAsInputErrors()
    {
        var schema = new DaClipSchemaException("image", "Photo", "String", null, "Name the image column.");
        var option = new DaClipOptionException("Epochs", "DaClipTrainingOptions.Epochs = 0: train at least one epoch.");
        foreach (var e in new Exception[] { schema, option, new InvalidOperationException("wrapped by ML.NET", schema) })
        {
            var error = new StringWriter();
            int exit = VerbRunner.RunAsync("train", error, new Func<int>(() => throw e)).GetAwaiter().GetResult();
            Assert.AreEqual(VerbRunner.UsageError, exit);
            var expected = (e.InnerException ?? e).Message;
            Assert.AreEqual($"daclip train: {expected}{Environment.NewLine}", error.ToString(), "one line, no stack trace");
        }
        Assert.AreEqual((400, schema.Message), ErrorAnswers.Classify(schema));
        Assert.AreEqual((400, option.Message), ErrorAnswers.Classify(option));
        Assert.IsNull(ErrorAnswers.Classify(new ArgumentOutOfRangeException("x")), "other argument errors stay the server's own");
    }
}
