using DaClip.MLNet.Training;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.MLNet;

/// <summary>
/// <see cref="DaClipDefaults"/> holds the paper's values (METHOD §1–§6), and the options classes and the CLI take their
/// defaults from it.
/// </summary>
[TestClass]
public sealed class DaClipDefaultsTests
{
    [TestMethod]
    public void Defaults_are_the_papers_values()
    {
        Assert.AreEqual(518, DaClipDefaults.ImageSize);
        Assert.AreEqual(0.7, DaClipDefaults.Alpha);
        Assert.AreEqual(0.5, DaClipDefaults.Beta);
        Assert.AreEqual(80, DaClipDefaults.TopK);
        Assert.AreEqual(4.0, DaClipDefaults.Sigma);
        Assert.AreEqual(0.07, DaClipDefaults.Tau);
        Assert.AreEqual(4.0, DaClipDefaults.Lambda);
        Assert.AreEqual(10, DaClipDefaults.Slots);
        Assert.AreEqual(15, DaClipDefaults.Epochs);
        Assert.AreEqual(8, DaClipDefaults.BatchSize);
        Assert.AreEqual(1e-3, DaClipDefaults.LearningRate);
        Assert.AreEqual((0.5, 0.999), (DaClipDefaults.AdamBeta1, DaClipDefaults.AdamBeta2));
    }

    [TestMethod]
    public void Options_classes_take_their_defaults_from_DaClipDefaults()
    {
        var model = new DaClipModelOptions();
        Assert.AreEqual((DaClipDefaults.ImageSize, DaClipDefaults.Alpha, DaClipDefaults.Beta, DaClipDefaults.TopK, DaClipDefaults.Sigma, DaClipDefaults.Tau, DaClipDefaults.Lambda, DaClipDefaults.Threshold, DaClipDefaults.Slots),
            (model.ImageSize, model.Alpha, model.Beta, model.TopK, model.Sigma, model.Tau, model.Lambda, model.Threshold, model.Slots));

        var scoring = new DaClipScoringOptions();
        Assert.AreEqual((DaClipDefaults.ImageColumnName, DaClipDefaults.ScoreColumnName, DaClipDefaults.PredictedLabelColumnName, DaClipDefaults.ScoreCenteredColumnName, DaClipDefaults.AnomalyMapColumnName),
            (scoring.ImageColumnName, scoring.ScoreColumnName, scoring.PredictedLabelColumnName, scoring.ScoreCenteredColumnName, scoring.AnomalyMapColumnName));

        var trainer = new DaClipOptions();
        Assert.AreEqual((DaClipDefaults.LabelColumnName, DaClipDefaults.Epochs, DaClipDefaults.BatchSize, DaClipDefaults.LearningRate, DaClipDefaults.AdamBeta1, DaClipDefaults.AdamBeta2),
            (trainer.LabelColumnName, trainer.Epochs, trainer.BatchSize, trainer.LearningRate, trainer.AdamBeta1, trainer.AdamBeta2));

        var training = new DaClipTrainingOptions();
        Assert.AreEqual((DaClipDefaults.Epochs, DaClipDefaults.BatchSize, DaClipDefaults.LearningRate, DaClipDefaults.AdamBeta1, DaClipDefaults.AdamBeta2),
            (training.Epochs, training.BatchSize, training.LearningRate, training.Beta1, training.Beta2));
    }

    [TestMethod]
    public void Cli_train_flags_default_to_DaClipDefaults()
    {
        var root = DaClip.Cli.Program.BuildRoot();
        var parse = root.Parse(["train", "--data", "mvtec:/nowhere", "--output", "/nowhere/model.zip"]);
        Assert.AreEqual(DaClipDefaults.Epochs, parse.GetValue<int>("--epochs"));
        Assert.AreEqual(DaClipDefaults.BatchSize, parse.GetValue<int>("--batch-size"));
        Assert.AreEqual(DaClipDefaults.LearningRate, parse.GetValue<double>("--learning-rate"));
    }
}
