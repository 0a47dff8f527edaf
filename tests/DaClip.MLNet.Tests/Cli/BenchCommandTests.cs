using System.Text.Json;
using DaClip.MLNet.Tests.Infrastructure;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Cli;

/// <summary>
/// Every <c>daclip bench</c> verb prints one JSON object on standard output with <c>--json</c> (tables on standard
/// error), at small settings: the tiny backbone, small images, few runs.
/// </summary>
[TestClass]
public sealed class BenchCommandTests
{
    private static JsonElement Json(params string[] args)
    {
        var (exit, output, err) = CliRunner.Run(["bench", .. args, "--json"]);
        Assert.AreEqual(0, exit, err);
        Assert.IsFalse(string.IsNullOrWhiteSpace(err), "the tables go to standard error");
        using var doc = JsonDocument.Parse(output);   // throws unless stdout is exactly one JSON document
        Assert.AreEqual(JsonValueKind.Object, doc.RootElement.ValueKind);
        return doc.RootElement.Clone();
    }

    [TestMethod]
    public void Infer_int8_compares_with_the_float32_graph_and_reports_the_issue_fields()
    {
        var r = Json("infer", "--arch", "tiny", "--size", "64", "--precision", "Int8", "--threads", "1", "--runs", "2", "--warmup", "0", "--compare-images", "2");
        Assert.AreEqual(64, r.GetProperty("size").GetInt32());
        Assert.AreEqual("Int8", r.GetProperty("precision").GetString());
        Assert.AreEqual("onnx-float32", r.GetProperty("reference").GetString());
        Assert.AreEqual(2, r.GetProperty("ort_runs_s").GetArrayLength());
        Assert.IsGreaterThan(0.0, r.GetProperty("ort_median_s").GetDouble());
        Assert.IsGreaterThan(0.0, r.GetProperty("reference_median_s").GetDouble());
        Assert.AreEqual(r.GetProperty("ort_median_s").GetDouble() / r.GetProperty("reference_median_s").GetDouble(), r.GetProperty("ratio").GetDouble(), 1e-12);
        double diff = r.GetProperty("score_max_abs_diff").GetDouble();
        Assert.IsTrue(diff > 0 && diff < 0.02, $"int8 score deviation {diff}");
        double pearson = r.GetProperty("map_pearson_min").GetDouble();
        Assert.IsTrue(pearson > 0.99 && pearson <= 1, $"map Pearson min {pearson}");
        Assert.IsGreaterThan(0L, r.GetProperty("peak_rss_bytes").GetInt64());
        Assert.IsLessThan(r.GetProperty("reference_model_bytes").GetInt64() / 2, r.GetProperty("model_bytes").GetInt64(), "int8 model under half the float32 one");
    }

    [TestMethod]
    public void Infer_throughput_and_score_only_modes()
    {
        using var dir = new TempDir("bench-infer");
        var r = Json("infer", "--arch", "tiny", "--size", "64", "--threads", "1", "--throughput", "--images", "3", "--batch-sizes", "1", "2", "--concurrency", "1", "2",
            "--keep-onnx", dir.Path);
        var points = r.GetProperty("throughput").EnumerateArray().ToList();
        Assert.HasCount(4, points);
        double best = points.Max(p => p.GetProperty("images_per_s").GetDouble());
        Assert.AreEqual(best, r.GetProperty("best").GetProperty("images_per_s").GetDouble());
        foreach (var p in points) Assert.AreEqual(3, p.GetProperty("images").GetInt32());
        var model = Path.Combine(dir.Path, "daclip-float32.onnx");
        Assert.IsTrue(File.Exists(model), "--keep-onnx keeps the export");

        var alone = Json("infer", "--onnx", model, "--threads", "1", "--runs", "1", "--warmup", "0");
        Assert.AreEqual("Float32", alone.GetProperty("precision").GetString());
        Assert.AreEqual(64, alone.GetProperty("size").GetInt32());
        Assert.AreEqual(JsonValueKind.Null, alone.GetProperty("reference").ValueKind);
        Assert.IsGreaterThan(0.0, alone.GetProperty("ort_median_s").GetDouble());

        var (exit, _, err) = CliRunner.Run("bench", "infer", "--onnx", Path.Combine(dir.Path, "missing.onnx"));
        Assert.AreEqual(2, exit);
        StringAssert.Contains(err, "no such file");
        (exit, _, err) = CliRunner.Run("bench", "infer", "--arch", "tiny", "--size", "60");
        Assert.AreEqual(2, exit);
        StringAssert.Contains(err, "multiple of the patch size 8");
    }

    [TestMethod]
    public void Metrics_cache_and_train_print_one_json_object()
    {
        var metrics = Json("metrics", "--images", "24", "--size", "32", "--classes", "2");
        Assert.AreEqual(24, metrics.GetProperty("images").GetInt32());
        Assert.IsTrue(metrics.GetProperty("pixel_auroc").GetDouble() is > 0.5 and <= 1);

        var cache = Json("cache", "--arch", "tiny", "--size", "64", "--images", "4", "--epochs", "2");
        Assert.AreEqual(2, cache.GetProperty("epoch_wall_s").GetArrayLength());

        var train = Json("train", "--size", "64", "--epochs", "1", "--per-class", "2", "--variants", "decoupled", "--int8");
        var variant = train.GetProperty("variants")[0];
        Assert.AreEqual("decoupled", variant.GetProperty("variant").GetString());
        var int8 = train.GetProperty("int8")[0];
        double change = int8.GetProperty("image_auroc_change").GetDouble();
        Assert.AreEqual(int8.GetProperty("image_auroc_int8").GetDouble() - int8.GetProperty("image_auroc_float32").GetDouble(), change, 1e-12);
        Assert.IsTrue(int8.GetProperty("map_pearson_min").GetDouble() > 0.99, "int8 maps follow float32 maps");
        Assert.IsLessThan(int8.GetProperty("model_bytes_float32").GetInt64(), int8.GetProperty("model_bytes_int8").GetInt64());
    }
}
