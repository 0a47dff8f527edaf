using DaClip.MLNet.Tests.Infrastructure;
using DaClip.MLNet.Training.Synthetic;
using DaClip.MLNet.Training;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Reliability;

/// <summary>
/// Issue 9, case 8: <c>train</c> checks every output location before any work, and never overwrites the checkpoint of an
/// unfinished run (one stopped by Ctrl+C) unless <c>--force</c>.
/// </summary>
[TestClass]
public sealed class TrainOutputsTests
{
    private static TempDir _dir = null!;
    private static string _data = "";

    [ClassInitialize]
    public static void WriteData(TestContext _)
    {
        _dir = new TempDir("r8");
        _data = _dir.File("aux");
        var options = new SyntheticDefectOptions { ImageSize = 32, TrainGoodPerClass = 0, TestGoodPerClass = 2, TestAnomalousPerClass = 2, Seed = 5 };
        new SyntheticDefectGenerator(new SyntheticDefectSplit([SyntheticCategory.Stripes], [SyntheticCategory.Nut]).AuxiliaryOptions(options)).WriteMvtecFolder(_data);
    }

    [ClassCleanup]
    public static void Cleanup() => _dir.Dispose();

    private static string[] Train(string model, params string[] extra) =>
        ["train", "--data", "mvtec:" + _data, "--backbone", "tiny", "--out", model, "--image-size", "32", "--batch-size", "4", "--seed", "3", .. extra];

    [TestMethod]
    public void An_out_path_below_a_file_stops_before_training()
    {
        using var dir = new TempDir("r8");
        File.WriteAllText(dir.File("notes.txt"), "not a folder");
        var checkpoint = dir.File("ck.safetensors");

        var (exit, _, err) = CliRunner.Run(Train(Path.Combine(dir.File("notes.txt"), "model.zip"), "--epochs", "1", "--checkpoint", checkpoint));

        Assert.AreEqual(2, exit, err);
        StringAssert.Contains(err, $"daclip train: --out {Path.Combine(dir.File("notes.txt"), "model.zip")}: {dir.File("notes.txt")} is a file");
        Assert.IsFalse(File.Exists(checkpoint), "training ran before the output was checked");
    }

    [TestMethod]
    public void A_checkpoint_path_below_a_file_stops_before_training()
    {
        using var dir = new TempDir("r8");
        File.WriteAllText(dir.File("notes.txt"), "not a folder");

        var (exit, _, err) = CliRunner.Run(Train(dir.File("m.zip"), "--epochs", "1", "--checkpoint", Path.Combine(dir.File("notes.txt"), "ck.safetensors")));

        Assert.AreEqual(2, exit, err);
        StringAssert.Contains(err, "--checkpoint");
        Assert.IsFalse(File.Exists(dir.File("m.zip")));
    }

    [TestMethod]
    public void Outputs_onto_a_training_image_or_onto_each_other_are_refused()
    {
        using var dir = new TempDir("r8");
        var image = Directory.EnumerateFiles(_data, "*.png", SearchOption.AllDirectories).Order(StringComparer.Ordinal).First();
        var before = File.ReadAllBytes(image);

        var (exit, _, err) = CliRunner.Run(Train(dir.File("m.zip"), "--epochs", "1", "--force", "--checkpoint", image));
        var (same, _, sameErr) = CliRunner.Run(Train(dir.File("m.zip"), "--epochs", "1", "--checkpoint", dir.File("m.zip")));

        Assert.AreEqual(2, exit, err);
        StringAssert.Contains(err, $"--checkpoint {image} is a file of the training data");
        CollectionAssert.AreEqual(before, File.ReadAllBytes(image));
        Assert.AreEqual(2, same, sameErr);
        StringAssert.Contains(sameErr, "are the same file");
    }

    [TestMethod]
    public void A_file_at_the_checkpoint_path_that_is_not_a_finished_checkpoint_is_kept_unless_force()
    {
        using var dir = new TempDir("r8");
        var checkpoint = dir.File("m.checkpoint.safetensors");
        File.WriteAllText(checkpoint, "the user's own file");

        var (exit, _, err) = CliRunner.Run(Train(dir.File("m.zip"), "--epochs", "1"));

        Assert.AreEqual(2, exit, err);
        StringAssert.Contains(err, $"--checkpoint {checkpoint} is not the checkpoint of a finished DA-CLIP training run");
        StringAssert.Contains(err, "--force");
        Assert.AreEqual("the user's own file", File.ReadAllText(checkpoint));
    }

    [TestMethod]
    public void A_rerun_after_ctrl_c_keeps_the_interrupted_checkpoint_and_force_replaces_it()
    {
        using var dir = new TempDir("r8");
        var model = dir.File("m.zip");
        var checkpoint = dir.File("m.checkpoint.safetensors");
        using (var run = new CliProcess(Train(model, "--epochs", "500")))
        {
            Assert.IsTrue(run.WaitUntil(() => File.Exists(checkpoint), TimeSpan.FromMinutes(3)), "no checkpoint after the first epoch\n" + run.Transcript);
            run.Interrupt();
            Assert.AreEqual(130, run.WaitForExit(TimeSpan.FromMinutes(2)), run.Transcript);
        }
        var interrupted = DaClipCheckpoint.ReadInfo(checkpoint);
        Assert.IsLessThan(500, interrupted.EpochsCompleted);
        var before = File.ReadAllBytes(checkpoint);

        var (exit, _, err) = CliRunner.Run(Train(model, "--epochs", "1"));

        Assert.AreEqual(2, exit, err);
        StringAssert.Contains(err, $"holds an unfinished training run ({interrupted.EpochsCompleted} of 500 epochs");
        CollectionAssert.AreEqual(before, File.ReadAllBytes(checkpoint), "the interrupted run's checkpoint was overwritten");

        var (forced, _, forcedErr) = CliRunner.Run(Train(model, "--epochs", "1", "--force"));

        Assert.AreEqual(0, forced, forcedErr);
        Assert.AreEqual(1, DaClipCheckpoint.ReadInfo(checkpoint).EpochsCompleted);
        Assert.AreEqual(1, DaClipCheckpoint.ReadInfo(checkpoint).TrainingOptions.Epochs);

        var (rerun, _, rerunErr) = CliRunner.Run(Train(model, "--epochs", "1"));
        Assert.AreEqual(0, rerun, "a finished run's checkpoint may be replaced without --force: " + rerunErr);
    }
}
