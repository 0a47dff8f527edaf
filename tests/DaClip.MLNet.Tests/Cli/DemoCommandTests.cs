using System.Globalization;
using System.Text.Json;
using DaClip.MLNet.Tests.Infrastructure;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Cli;

/// <summary><c>daclip demo</c> end to end with its default mini backbone at small settings (S = 32, three images per category, one epoch).</summary>
[TestClass]
public sealed class DemoCommandTests
{
    [TestMethod]
    public void Demo_trains_tests_and_prints_the_table_and_the_report_path()
    {
        using var dir = new TempDir("cli-demo");
        var folder = dir.File("demo");
        var (exit, output, err) = CliRunner.Run("demo", "--out", folder, "--image-size", "32", "--images-per-class", "3", "--epochs", "1");
        Assert.AreEqual(0, exit, err);
        StringAssert.Contains(err, "backbone 'mini', a small CLIP this project pretrained");
        var lines = output.Split('\n');
        StringAssert.StartsWith(lines.Single(l => l.StartsWith("class ", StringComparison.Ordinal)), "class ");
        foreach (var held in new[] { "capsule", "carpet", "pcb", "weave" })
            Assert.AreEqual(1, lines.Count(l => l.StartsWith(held + " ", StringComparison.Ordinal)), $"{held} row\n{output}");
        var mean = lines.Single(l => l.StartsWith("mean ", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.AreEqual("12", mean[1], "4 held-out categories x 3 images");
        StringAssert.Contains(output, "Report: " + Path.Combine(folder, "report", "index.html"));
        StringAssert.Contains(output, "Total time:");

        Assert.IsTrue(File.Exists(Path.Combine(folder, "report", "index.html")));
        Assert.IsTrue(File.Exists(Path.Combine(folder, "model.zip")));
        Assert.IsTrue(File.Exists(Path.Combine(folder, "model.checkpoint.safetensors")));
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "demo.json")));
        var evaluation = summary.RootElement.GetProperty("evaluation");
        Assert.AreEqual(12, evaluation.GetProperty("images").GetInt32());
        Assert.AreEqual(12, summary.RootElement.GetProperty("trainingImages").GetInt32(), "4 auxiliary categories x 3 images");
        var meanAuroc = evaluation.GetProperty("mean").GetProperty("imageAuroc").GetDouble();
        Assert.AreEqual((100 * meanAuroc).ToString("F1", CultureInfo.InvariantCulture), mean[3], "table and demo.json agree");

        var foreign = dir.File("foreign");
        Directory.CreateDirectory(foreign);
        File.WriteAllText(Path.Combine(foreign, "notes.txt"), "keep me");
        (exit, _, err) = CliRunner.Run("demo", "--out", foreign, "--image-size", "32", "--images-per-class", "3", "--epochs", "1");
        Assert.AreEqual(2, exit);
        StringAssert.Contains(err, "was not made by `daclip demo`");
        Assert.AreEqual("keep me", File.ReadAllText(Path.Combine(foreign, "notes.txt")));
    }
}
