using System.Text.Json;
using DaClip.Cli.Common;
using DaClip.MLNet.Tests.Infrastructure;
using DaClip.MLNet.Tests.Samples;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Cli;

/// <summary>
/// Sharded scoring end to end: <c>daclip predict --data ... --shard i/3 --out shards --maps</c> in three separate
/// processes, <c>daclip merge</c>, and <c>daclip test --from-predictions</c>, against one unsharded run and a direct
/// <c>daclip test</c>.
/// </summary>
[TestClass]
public sealed class ShardedScoringTests
{
    private static TinyCliModel _m = null!;

    [ClassInitialize]
    public static void Train(TestContext _) => _m = TinyCliModel.Create("cli-shards");

    [ClassCleanup]
    public static void Cleanup() => _m.Dispose();

    [TestMethod]
    public void Shard_buckets_are_the_sha256_of_the_relative_path_modulo_n()
    {
        // Values from Python: int.from_bytes(hashlib.sha256(path.encode()).digest()[:8], "big") % n
        Assert.AreEqual(2, ShardSpec.Bucket("bottle/test/good/000.png", 3));
        Assert.AreEqual(4, ShardSpec.Bucket("bottle/test/good/000.png", 7));
        Assert.AreEqual(1, ShardSpec.Bucket("capsule/test/crack/001.png", 3));
        Assert.AreEqual(0, ShardSpec.Bucket("capsule/test/crack/001.png", 7));
        Assert.AreEqual(1, ShardSpec.Bucket(@"capsule\test\crack\001.png", 3), "Windows separators hash as '/'");
        Assert.AreEqual(new ShardSpec(2, 5), ShardSpec.Parse("2/5"));
        Assert.AreEqual("shard-00002-of-00005", ShardSpec.Parse("2/5").Stem);
    }

    [TestMethod]
    public void Three_shard_processes_merge_to_the_unsharded_run_and_evaluate_to_identical_metrics()
    {
        var shards = _m.Dir.File("shards");
        var daclip = Path.Combine(AppContext.BaseDirectory, "daclip.dll");
        var runs = Enumerable.Range(0, 3).Select(i => Task.Run(() => ChildProcess.Run(ChildProcess.Dotnet,
            ["exec", daclip, "predict", "--data", "mvtec:" + _m.HeldOut, "--model", _m.Model, "--shard", $"{i}/3", "--out", shards, "--maps", "--batch-size", "4", "--json"],
            null, null, TimeSpan.FromMinutes(3)))).ToArray();
        Task.WaitAll(runs);
        var counts = new List<int>();
        foreach (var run in runs.Select(r => r.Result))
        {
            Assert.AreEqual(0, run.ExitCode, run.ToString());
            counts.Add(JsonDocument.Parse(run.Output).RootElement.GetProperty("images").GetInt32());
        }
        Assert.AreEqual(10, counts.Sum(), "every image in exactly one shard");
        Assert.IsTrue(counts.All(c => c > 0), $"each shard has images: {string.Join(",", counts)}");

        var full = _m.Dir.File("full");
        var (exit, _, err) = CliRunner.Run("predict", "--data", "mvtec:" + _m.HeldOut, "--model", _m.Model, "--out", full, "--maps", "--batch-size", "8", "--json");
        Assert.AreEqual(0, exit, err);
        var merged = _m.Dir.File("merged");
        (exit, var output, err) = CliRunner.Run("merge", shards, "--out", merged, "--json");
        Assert.AreEqual(0, exit, err);
        Assert.AreEqual(10, JsonDocument.Parse(output).RootElement.GetProperty("images").GetInt32());

        var a = PredictionSet.Open([merged], "merged").Read().ToList();
        var b = PredictionSet.Open([full], "full").Read().ToList();
        Assert.AreEqual(b.Count, a.Count);
        for (int i = 0; i < a.Count; i++)
        {
            Assert.AreEqual(b[i].Record.Path, a[i].Record.Path);
            Assert.AreEqual(b[i].Record.Index, a[i].Record.Index);
            Assert.AreEqual(b[i].Record.Score, a[i].Record.Score, 0f, a[i].Record.Path);
            Assert.AreEqual(b[i].Record.Anomalous, a[i].Record.Anomalous);
            Assert.AreEqual(b[i].Record.Mask, a[i].Record.Mask);
            CollectionAssert.AreEqual(b[i].Map, a[i].Map, a[i].Record.Path);
        }

        (exit, var direct, err) = CliRunner.Run("test", "--data", "mvtec:" + _m.HeldOut, "--model", _m.Model, "--json");
        Assert.AreEqual(0, exit, err);
        (exit, var stored, err) = CliRunner.Run("test", "--from-predictions", merged, "--json");
        Assert.AreEqual(0, exit, err);
        (exit, var unmerged, err) = CliRunner.Run("test", "--from-predictions", shards, "--json");
        Assert.AreEqual(0, exit, err);
        var expected = Rows(direct);
        Assert.IsTrue(JsonDocument.Parse(direct).RootElement.GetProperty("mean").GetProperty("pixelAuroc").ValueKind == JsonValueKind.Number, "pixel metrics defined");
        Assert.AreEqual(expected, Rows(stored), "merged predictions evaluate to the direct run's metrics");
        Assert.AreEqual(expected, Rows(unmerged), "the shard folder evaluates the same without merging");
    }

    [TestMethod]
    public void Missing_or_duplicate_shards_and_bad_shard_specs_are_usage_errors()
    {
        var partial = _m.Dir.File("partial");
        var (exit, _, err) = CliRunner.Run("predict", "--data", "mvtec:" + _m.HeldOut, "--model", _m.Model, "--shard", "1/3", "--out", partial, "--json");
        Assert.AreEqual(0, exit, err);
        (exit, _, err) = CliRunner.Run("merge", partial, "--out", _m.Dir.File("merged-partial"));
        Assert.AreEqual(2, exit, err);
        StringAssert.Contains(err, "shard(s) 0/3, 2/3 missing");
        (exit, _, err) = CliRunner.Run("test", "--from-predictions", partial, partial);
        Assert.AreEqual(2, exit, err);
        StringAssert.Contains(err, "shard 1/3 is there twice");

        (exit, _, err) = CliRunner.Run("predict", "--data", "mvtec:" + _m.HeldOut, "--model", _m.Model, "--shard", "3/3", "--out", partial);
        Assert.AreEqual(2, exit, err);
        StringAssert.Contains(err, "--shard '3/3' is not a shard");
        Assert.IsFalse(err.Contains("   at ", StringComparison.Ordinal), err);

        (exit, _, err) = CliRunner.Run("predict", "--data", "mvtec:" + _m.HeldOut, "--model", _m.Model, "--shard", "0/3");
        Assert.AreEqual(2, exit, err);
        StringAssert.Contains(err, "--data needs --out dir");
    }

    [TestMethod]
    public void Predictions_without_maps_give_the_image_metrics_and_na_pixel_metrics()
    {
        var noMaps = _m.Dir.File("no-maps");
        var (exit, _, err) = CliRunner.Run("predict", "--data", "mvtec:" + _m.HeldOut, "--model", _m.Model, "--out", noMaps);
        Assert.AreEqual(0, exit, err);
        Assert.IsFalse(File.Exists(Path.Combine(noMaps, "shard-00000-of-00001.maps.f32")));
        (exit, var stored, err) = CliRunner.Run("test", "--from-predictions", noMaps, "--json");
        Assert.AreEqual(0, exit, err);
        (exit, var direct, err) = CliRunner.Run("test", "--data", "mvtec:" + _m.HeldOut, "--model", _m.Model, "--json");
        Assert.AreEqual(0, exit, err);
        var s = JsonDocument.Parse(stored).RootElement.GetProperty("mean");
        var d = JsonDocument.Parse(direct).RootElement.GetProperty("mean");
        Assert.AreEqual(d.GetProperty("imageAuroc").GetDouble(), s.GetProperty("imageAuroc").GetDouble());
        Assert.AreEqual(d.GetProperty("imageAp").GetDouble(), s.GetProperty("imageAp").GetDouble());
        Assert.AreEqual(JsonValueKind.Null, s.GetProperty("pixelAuroc").ValueKind);
    }

    /// <summary>The per-class and mean rows of a <c>test --json</c> output, as text.</summary>
    private static string Rows(string json)
    {
        var root = JsonDocument.Parse(json).RootElement;
        return root.GetProperty("perClass").GetRawText() + root.GetProperty("mean").GetRawText() + root.GetProperty("images").GetInt32();
    }
}
