using DaClip.MLNet.Tests.Infrastructure;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Reliability;

/// <summary>Issue 9, case 2: <c>export --onnx</c> (and every verb that writes) must refuse an output that is one of its inputs.</summary>
[TestClass]
public sealed class ExportOntoModelTests
{
    [TestMethod]
    public void Export_onto_the_model_zip_is_refused_and_the_zip_is_kept()
    {
        using var dir = new TempDir("r2");
        var model = ReliabilityFiles.ModelZip(dir.File("m.zip"));
        var before = File.ReadAllBytes(model);

        var (exit, _, err) = CliRunner.Run("export", "--model", model, "--onnx", model);

        Assert.AreEqual(2, exit, err);
        StringAssert.Contains(err, $"daclip export: --onnx {model} is the input --model {model}");
        CollectionAssert.AreEqual(before, File.ReadAllBytes(model));
    }

    [TestMethod]
    public void Export_onto_a_link_to_the_model_zip_is_refused()
    {
        using var dir = new TempDir("r2");
        var model = ReliabilityFiles.ModelZip(dir.File("m.zip"));
        var link = dir.File("m.onnx");
        File.CreateSymbolicLink(link, model);
        var before = File.ReadAllBytes(model);

        var (exit, _, err) = CliRunner.Run("export", "--model", model, "--onnx", link);

        Assert.AreEqual(2, exit, err);
        StringAssert.Contains(err, $"resolve to {model}");
        CollectionAssert.AreEqual(before, File.ReadAllBytes(model));
    }

    [TestMethod]
    public void Test_report_folder_holding_the_model_is_refused()
    {
        using var dir = new TempDir("r2");
        var model = ReliabilityFiles.ModelZip(dir.File(Path.Combine("report", "m.zip")));
        ReliabilityFiles.Png(dir.File(Path.Combine("data", "good", "a.png")));
        File.WriteAllText(dir.File(Path.Combine("report", "report.json")), "{}");

        var (exit, _, err) = CliRunner.Run("test", "--data", "folder:" + dir.File("data"), "--model", model, "--report", dir.File("report"));

        Assert.AreEqual(2, exit, err);
        StringAssert.Contains(err, $"--report {dir.File("report")} holds the input --model {model}");
        Assert.IsTrue(File.Exists(model));
    }

    [TestMethod]
    public void Export_elsewhere_writes_the_graph()
    {
        using var dir = new TempDir("r2");
        var model = ReliabilityFiles.ModelZip(dir.File("m.zip"));

        var (exit, _, err) = CliRunner.Run("export", "--model", model, "--onnx", dir.File("m.onnx"));

        Assert.AreEqual(0, exit, err);
        Assert.IsTrue(new FileInfo(dir.File("m.onnx")).Length > 100);
    }
}
