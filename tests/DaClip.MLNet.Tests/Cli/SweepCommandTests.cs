using System.Text.Json;
using DaClip.Cli.Common;
using DaClip.MLNet.Imaging;
using DaClip.MLNet.Tests.Infrastructure;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Cli;

/// <summary><c>daclip sweep</c>: one training, the scoring-time options re-applied per value, the table and charts.</summary>
[TestClass]
public sealed class SweepCommandTests
{
    private static TinyCliModel _m = null!;

    [ClassInitialize]
    public static void Data(TestContext _) => _m = TinyCliModel.Create("cli-sweep", train: false);

    [ClassCleanup]
    public static void Cleanup() => _m.Dispose();

    [TestMethod]
    public void Param_values_parse_as_lists_and_inclusive_ranges_and_retraining_options_are_refused()
    {
        CollectionAssert.AreEqual(new[] { 0.3, 0.4, 0.5, 0.6, 0.7, 0.8 }, SweepParameter.Parse("alpha=0.3..0.8:0.1").Values.ToArray());
        CollectionAssert.AreEqual(new[] { 1.0, 10, 30, 50, 80, 90 }, SweepParameter.Parse("top-k=1,10,30,50,80,90").Values.ToArray());
        Assert.AreEqual("top_k", SweepParameter.Parse("top-k=1").Name);
        var e = Assert.ThrowsExactly<CliUsageException>(() => SweepParameter.Parse("adapter_layers=1,2"));
        StringAssert.Contains(e.Message, "changes the trained network");
        e = Assert.ThrowsExactly<CliUsageException>(() => SweepParameter.Parse("alpha=1.5"));
        StringAssert.Contains(e.Message, "must lie in [0, 1]");
        e = Assert.ThrowsExactly<CliUsageException>(() => SweepParameter.Parse("top_k=2.5"));
        StringAssert.Contains(e.Message, "whole number");
    }

    [TestMethod]
    public void Sweep_trains_once_and_its_trained_values_reproduce_daclip_test()
    {
        var folder = _m.Dir.File("sweep");
        var (exit, output, err) = CliRunner.Run("sweep", "--data", "mvtec:" + _m.Auxiliary, "--eval", "mvtec:" + _m.HeldOut, "--backbone", "tiny",
            "--image-size", "32", "--epochs", "1", "--batch-size", "4", "--seed", "7", "--out", folder,
            "--param", "top_k=1,80", "--param", "alpha=0.5..0.7:0.1", "--json");
        Assert.AreEqual(0, exit, err);
        var rows = JsonDocument.Parse(output).RootElement.GetProperty("rows").EnumerateArray().ToList();
        CollectionAssert.AreEqual(new[] { "top_k:1", "top_k:80", "alpha:0.5", "alpha:0.6", "alpha:0.7" },
            rows.Select(r => $"{r.GetProperty("parameter").GetString()}:{r.GetProperty("value").GetDouble()}").ToArray());
        CollectionAssert.AreEqual(new[] { false, true, false, false, true }, rows.Select(r => r.GetProperty("trained").GetBoolean()).ToArray());

        double Metric(JsonElement row, string name) => row.GetProperty("mean").GetProperty(name).GetDouble();
        var (topK1, topK80, alpha5, alpha7) = (rows[0], rows[1], rows[2], rows[4]);
        foreach (var name in new[] { "imageAuroc", "imageAp", "pixelAuroc", "pixelAp", "pixelAuproExact" })
            Assert.AreEqual(Metric(topK80, name), Metric(alpha7, name), 0, $"both trained rows are the trained model: {name}");
        Assert.AreEqual(Metric(topK80, "pixelAuroc"), Metric(topK1, "pixelAuroc"), 0, "top_k does not touch the maps");
        Assert.AreEqual(Metric(topK80, "pixelAuproExact"), Metric(topK1, "pixelAuproExact"), 0);
        Assert.AreNotEqual(Metric(alpha7, "pixelAp"), Metric(alpha5, "pixelAp"), "alpha changes the maps");

        (exit, var test, err) = CliRunner.Run("test", "--data", "mvtec:" + _m.HeldOut, "--model", Path.Combine(folder, "model.zip"), "--json");
        Assert.AreEqual(0, exit, err);
        var mean = JsonDocument.Parse(test).RootElement.GetProperty("mean");
        foreach (var name in new[] { "imageAuroc", "imageAp", "pixelAuroc", "pixelAp", "pixelAuproExact" })
            Assert.AreEqual(mean.GetProperty(name).GetDouble(), Metric(topK80, name), 2e-3, $"the sweep's trained row matches daclip test on the exported model: {name}");

        var csv = File.ReadAllLines(Path.Combine(folder, "sweep.csv"));
        Assert.AreEqual(6, csv.Length);
        StringAssert.StartsWith(csv[2], "top_k,80,true,10,");
        foreach (var name in new[] { "top_k", "alpha" })
        {
            var png = ImageDecoder.Decode(Path.Combine(folder, $"sweep-{name}.png"));
            Assert.AreEqual((600, 400), (png.Width, png.Height));
        }
        Assert.IsTrue(JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "sweep.json"))).RootElement.GetProperty("needRetraining").EnumerateArray().Any(v => v.GetString() == "adapter_layers"));

        (exit, _, err) = CliRunner.Run("sweep", "--data", "mvtec:" + _m.Auxiliary, "--eval", "mvtec:" + _m.HeldOut, "--backbone", "tiny", "--out", folder, "--param", "tau=0.1");
        Assert.AreEqual(2, exit);
        StringAssert.Contains(err, "--param tau: changing tau changes the trained network");
    }
}
