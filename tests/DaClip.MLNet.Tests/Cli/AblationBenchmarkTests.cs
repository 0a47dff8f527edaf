using System.Text.Json;
using DaClip.MLNet.Tests.Infrastructure;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Cli;

/// <summary>
/// <c>daclip bench ablation --json</c> at a toy size (tiny backbone, S = 32, 2 seeds, 1 epoch): the six rows in the
/// table's order, one result per seed, and the mean and sample standard deviation computed from those results.
/// </summary>
[TestClass]
public sealed class AblationBenchmarkTests
{
    [TestMethod]
    public void Json_holds_every_variant_per_seed_with_mean_and_sample_std()
    {
        var (exit, output, err) = CliRunner.Run("bench", "ablation", "--backbone", "tiny", "--size", "32", "--seeds", "2", "--epochs", "1", "--per-class", "2", "--json");
        Assert.AreEqual(0, exit, err);
        var root = JsonDocument.Parse(output).RootElement;
        Assert.AreEqual(32, root.GetProperty("imageSize").GetInt32());
        CollectionAssert.AreEqual(new[] { 1, 2 }, root.GetProperty("seeds").EnumerateArray().Select(e => e.GetInt32()).ToArray());
        var rows = root.GetProperty("rows").EnumerateArray().ToList();
        CollectionAssert.AreEqual(new[] { "zero-shot", "init", "joint", "decoupled", "nodar", "nores" }, rows.Select(r => r.GetProperty("variant").GetString()).ToArray());
        foreach (var row in rows)
        {
            var perSeed = row.GetProperty("perSeed").EnumerateArray().ToList();
            Assert.AreEqual(2, perSeed.Count);
            foreach (var metric in new[] { "imageAuroc", "imageAp", "pixelAuroc", "pixelAp", "pro" })
            {
                var values = perSeed.Select(s => s.GetProperty("metrics").GetProperty(metric).GetDouble()).ToArray();
                Assert.IsTrue(values.All(v => v is >= 0 and <= 1), $"{row.GetProperty("variant")} {metric} in [0, 1]");
                double mean = (values[0] + values[1]) / 2;
                Assert.AreEqual(mean, row.GetProperty("mean").GetProperty(metric).GetDouble(), 1e-12, metric);
                Assert.AreEqual(Math.Abs(values[0] - values[1]) / Math.Sqrt(2), row.GetProperty("std").GetProperty(metric).GetDouble(), 1e-12, metric);
            }
        }
    }
}
