using DaClip.MLNet.IO;
using DaClip.MLNet.Tests.Imaging;
using DaClip.MLNet.Tests.Infrastructure;
using DaClip.MLNet.Tests.MLNet;
using DaClip.MLNet.Training.Synthetic;
using Microsoft.ML;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Reliability;

/// <summary>
/// Issue 9, case 10 (the smaller items): stale temporary files of killed writers are cleaned; masks whose size differs
/// from their image stop <c>test</c>/<c>train</c> unless <c>--resize-masks</c>; the NaN hint names an option the CLI has;
/// disk-full errors name the target, not the temporary file; <c>inspect-weights</c> errors start with
/// <c>daclip inspect-weights:</c> (checked in <see cref="Case5MalformedSafetensorsTests"/>); "path below a file" exits 2
/// in every verb.
/// </summary>
[TestClass]
public class Case10SmallerItemsTests
{
    private static ScoringFixture _f = null!;
    private static string _zip = null!, _data = null!;

    [ClassInitialize]
    public static void Setup(TestContext _)
    {
        _f = new ScoringFixture("reliability-small", 3, seed: 6);
        _data = _f.File("aux");
        new SyntheticDefectGenerator(new SyntheticDefectOptions
        {
            Categories = [SyntheticCategory.Stripes], ImageSize = 32, TrainGoodPerClass = 0, TestGoodPerClass = 2, TestAnomalousPerClass = 2, Seed = 1,
        }).WriteMvtecFolder(_data);
        var ml = new MLContext(seed: 1);
        using var model = ml.Transforms.ApplyDaClipModel(_f.ModelPath).Fit(_f.Rows(ml));
        _zip = _f.File("model.zip");
        model.Save(_zip);
    }

    [ClassCleanup]
    public static void Cleanup() => _f.Dispose();

    [TestMethod]
    public void StaleTemporaryFiles_OfDeadWriters_AreRemovedByTheNextWriteToTheFolder()
    {
        using var dir = new TempDir("stale");
        // A writer killed before this process started: a process id that cannot be running, a file dated a day back.
        var stale = dir.File($".model.zip.{int.MaxValue}.{Guid.NewGuid():N}.tmp");
        File.WriteAllText(stale, "half a model");
        File.SetLastWriteTimeUtc(stale, DateTime.UtcNow.AddDays(-1));
        // A temporary file of a process that is running (this one) and is recent: never touched.
        var live = dir.File($".other.zip.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        File.WriteAllText(live, "being written");
        // A user's own hidden .tmp file that is not ours: never touched.
        var users = dir.File(".notes.tmp");
        File.WriteAllText(users, "mine");
        File.SetLastWriteTimeUtc(users, DateTime.UtcNow.AddDays(-1));

        AtomicFile.WriteAllText(dir.File("report.json"), "{}");

        Assert.IsFalse(File.Exists(stale), "the dead writer's temporary file is removed");
        Assert.IsTrue(File.Exists(live), "a live writer's temporary file stays");
        Assert.IsTrue(File.Exists(users), "a file that is not one of ours stays");
        Assert.AreEqual("{}", File.ReadAllText(dir.File("report.json")));
    }

    [TestMethod]
    public void DiskFullError_NamesTheTarget_NotTheTemporaryFile()
    {
        using var dir = new TempDir("full");
        var target = dir.File("model.zip");
        File.WriteAllText(target, "previous model");
        // What FileStream reports on ENOSPC: the message names the file being written, i.e. the temporary one.
        var e = Assert.ThrowsExactly<IOException>(() => AtomicFile.Write(target, s => throw new IOException($"No space left on device : '{((FileStream)s).Name}'", 28)));
        StringAssert.Contains(e.Message, target);
        StringAssert.Contains(e.Message, "No space left on device");
        Assert.IsFalse(e.Message.Contains(".tmp", StringComparison.Ordinal), e.Message);
        Assert.AreEqual("previous model", File.ReadAllText(target), "the target is untouched");
        Assert.AreEqual(1, Directory.GetFiles(dir.Path).Length, "no temporary file is left");
    }

    [TestMethod]
    public void MaskOfAnotherSize_StopsTest_UnlessResizeMasks()
    {
        using var dir = new TempDir("masksize");
        var root = Path.Combine(dir.Path, "parts");
        Directory.CreateDirectory(Path.Combine(root, "good"));
        Directory.CreateDirectory(Path.Combine(root, "scratch"));
        Directory.CreateDirectory(Path.Combine(root, "ground_truth", "scratch"));
        File.Copy(_f.Images[0].Path, Path.Combine(root, "good", "a.png"));
        var image = Path.Combine(root, "scratch", "b.png");
        File.WriteAllBytes(image, TestImageFiles.Png(20, 10, 2, 8, new int[20 * 10 * 3]));
        var mask = Path.Combine(root, "ground_truth", "scratch", "b_mask.png");
        File.WriteAllBytes(mask, TestImageFiles.Png(10, 20, 0, 8, new int[10 * 20]));

        var refused = CliRunner.Run("test", "--data", "folder:" + root, "--model", _zip, "--report", dir.File("report"));
        Assert.AreEqual(2, refused.Exit, refused.Err);
        StringAssert.Contains(refused.Err, "daclip test: 1 of 1 masks differ in size");
        StringAssert.Contains(refused.Err, mask);
        StringAssert.Contains(refused.Err, "10 x 20");
        StringAssert.Contains(refused.Err, "20 x 10");
        StringAssert.Contains(refused.Err, "--resize-masks");
        Assert.IsFalse(Directory.Exists(dir.File("report")), "nothing is written before the check");

        var accepted = CliRunner.Run("test", "--data", "folder:" + root, "--model", _zip, "--report", dir.File("report"), "--resize-masks");
        Assert.AreEqual(0, accepted.Exit, accepted.Err);
        StringAssert.Contains(accepted.Err, "Warning: 1 of 1 masks differ in size");
    }

    [TestMethod]
    public void DivergingTraining_HintsAtTheCliOptionThatExists()
    {
        using var dir = new TempDir("nan");
        var (exit, _, err) = CliRunner.Run("train", "--data", "mvtec:" + _data, "--backbone", "tiny", "--out", dir.File("m.zip"),
            "--epochs", "3", "--batch-size", "1", "--image-size", "32", "--learning-rate", "1e30", "--json");
        Assert.AreEqual(2, exit, err);
        StringAssert.Contains(err, "The training loss became");
        StringAssert.Contains(err, "daclip train --learning-rate");
        Assert.IsFalse(File.Exists(dir.File("m.zip")));
    }

    [TestMethod]
    public void PathBelowAFile_ExitsTwo_InEveryVerbThatWrites()
    {
        using var dir = new TempDir("belowfile");
        var file = dir.File("plain-file");
        File.WriteAllText(file, "not a folder");
        var below = Path.Combine(file, "sub");
        var cases = new (string Verb, string[] Args)[]
        {
            ("predict", ["predict", "--model", _zip, _f.Images[0].Path, "--heatmaps", below]),
            ("test", ["test", "--data", "mvtec:" + _data, "--model", _zip, "--report", below]),
            ("export", ["export", "--model", _zip, "--onnx", Path.Combine(below, "m.onnx")]),
            ("demo", ["demo", "--out", below, "--epochs", "1"]),
            ("download", ["download", "--vocab-only", "--cache", below, "--base-url", "http://127.0.0.1:9/"]),
            ("train", ["train", "--data", "mvtec:" + _data, "--backbone", "tiny", "--epochs", "1", "--image-size", "32", "--out", Path.Combine(below, "m.zip")]),
        };
        foreach (var (verb, args) in cases)
        {
            var (exit, _, err) = CliRunner.Run(args);
            Assert.AreEqual(2, exit, $"{verb}: {err}");
            var line = err.Split('\n').SingleOrDefault(l => l.StartsWith($"daclip {verb}: ", StringComparison.Ordinal));
            Assert.IsNotNull(line, $"{verb}: one error line prefixed with the verb: {err}");
            StringAssert.Contains(line, file, verb);
            Assert.IsFalse(err.Contains("   at ", StringComparison.Ordinal), $"{verb}: no stack trace: {err}");
        }
        Assert.AreEqual("not a folder", File.ReadAllText(file));
    }
}
