using DaClip.MLNet.Metrics;
using DaClip.MLNet.Scoring;
using DaClip.MLNet.Tests.Infrastructure;
using DaClip.MLNet.Training.Export;
using DaClip.MLNet.Training.Network;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using Onnx;

namespace DaClip.MLNet.Tests.Export;

/// <summary>
/// The int8 export: per-output-channel symmetric int8 weights in every matrix product of the vision tower, the rest
/// float32, in each of the three operator forms; deviation from the float32 graph pinned on a small trained network.
/// </summary>
[TestClass]
internal sealed class DaClipInt8ExportTests
{
    private const int Size = 32, Images = 8;
    private static DaClipNetwork _net = null!;
    private static byte[] _fp32 = null!;
    private static float[] _pixels = null!;

    public TestContext TestContext { get; set; } = null!;

    [ClassInitialize]
    public static void Setup(TestContext _)
    {
        _net = DaClipExportHarness.TrainedSmallNetwork();
        _fp32 = DaClipOnnxExporter.ExportToBytes(_net);
        var toy = SmallModels.ToyData(Images, seed: 21, side: Size);
        _pixels = Enumerable.Range(0, Images).SelectMany(i => toy.Get(i).Pixels).ToArray();
    }

    [ClassCleanup]
    public static void Cleanup() => _net.Dispose();

    private static DaClipScorerOptions Cpu => new() { Provider = ExecutionProvider.Cpu, IntraOpThreads = 1, Log = _ => { } };

    [TestMethod]
    public void Quantize_rows_is_symmetric_per_output_channel_and_transposed()
    {
        // Rows [0.5, -1, 0.25] (scale 1/127) and [0, 0, 0] (scale 1), [out = 2, in = 3].
        var (q, scales) = DaClipGraphWriter.QuantizeRows([0.5f, -1f, 0.25f, 0f, 0f, 0f], 2, 3);
        CollectionAssert.AreEqual(new[] { 1f / 127f, 1f }, scales);
        // [in, out]: column 0 is row 0 quantised: round(63.5) = 64 (half to even), -127, round(31.75) = 32.
        CollectionAssert.AreEqual(new sbyte[] { 64, 0, -127, 0, 32, 0 }, q);
    }

    [TestMethod]
    [DataRow(Int8MatMulForm.DynamicQuantizeMatMul, "DynamicQuantizeMatMul")]
    [DataRow(Int8MatMulForm.MatMulInteger, "MatMulInteger")]
    [DataRow(Int8MatMulForm.MatMulIntegerToFloat, "MatMulIntegerToFloat")]
    public void Int8_graph_quantises_every_tower_product_and_stays_close_to_float32(Int8MatMulForm form, string op)
    {
        var bytes = DaClipOnnxExporter.ExportToBytes(_net, new DaClipExportOptions { Precision = OnnxPrecision.Int8, Int8Form = form });
        var proto = ModelProto.Parser.ParseFrom(bytes);
        var init = proto.Graph.Initializer.ToDictionary(t => t.Name);
        const string fc = "visual.transformer.resblocks.0.mlp.c_fc.weight";
        Assert.AreEqual((int)OnnxElementType.Int8, init[fc + ".int8"].DataType, "c_fc weight is int8");
        CollectionAssert.AreEqual(new long[] { 64, 256 }, init[fc + ".int8"].Dims.ToArray(), "stored [in, out]");
        CollectionAssert.AreEqual(new long[] { 256 }, init[fc + ".scale"].Dims.ToArray(), "one scale per output channel");
        Assert.IsFalse(init.ContainsKey(fc), "no float32 copy of the weight");
        Assert.AreEqual((int)OnnxElementType.Float, init["visual.ln_pre.weight"].DataType, "LayerNorm stays float32");
        Assert.AreEqual((int)OnnxElementType.Float, init["visual.conv1.weight"].DataType, "patch Conv stays float32");
        Assert.AreEqual(0, proto.Graph.Node.Count(n => n.OpType == "Gemm" && n.Name.StartsWith("vision/block", StringComparison.Ordinal)), "no float Gemm left in the tower");
        // Block 1: in_proj, out_proj, c_fc, c_proj and the V-V out_proj; block 2 (last): q, kv, out_proj, c_fc, c_proj,
        // and its V-V out_proj (the last tap reads the V-V stream of layer 2).
        int products = proto.Graph.Node.Count(n => n.OpType == op);
        Assert.AreEqual(Int8Products, products, $"{op} nodes");
        Assert.AreEqual("Int8", proto.MetadataProps.Single(p => p.Key == DaClipModelMetadata.Precision).Value);
        Assert.AreEqual(form.ToString(), proto.MetadataProps.Single(p => p.Key == DaClipModelMetadata.Int8Form).Value);

        using var scorer = new DaClipOnnxScorer(bytes, Cpu);
        Assert.AreEqual("Int8", scorer.Precision, "the scorer reports the precision");
        var d = Deviation(scorer);
        TestContext.WriteLine($"{form}: score max |diff| {d.Score:E2}, map max |diff| {d.Map:E2}, map Pearson min {d.PearsonMin:F5} mean {d.PearsonMean:F5}; {bytes.Length} bytes vs {_fp32.Length}");
        AssertWithinBounds(d);
    }

    [TestMethod]
    public void Int8_is_deterministic_and_the_scorer_reports_float32_for_the_reference()
    {
        var options = new DaClipExportOptions { Precision = OnnxPrecision.Int8 };
        CollectionAssert.AreEqual(DaClipOnnxExporter.ExportToBytes(_net, options), DaClipOnnxExporter.ExportToBytes(_net, options), "same weights, same bytes");
        using var scorer = new DaClipOnnxScorer(_fp32, Cpu);
        Assert.AreEqual("Float32", scorer.Precision);
    }

    private const int Int8Products = 11;

    [TestMethod]
    public void Int8_results_depend_on_the_batch_only_within_the_quantisation_error()
    {
        // Activations are quantised per tensor, i.e. over the whole batch: an image's result moves slightly with its
        // batch companions. Batch 1 against batch 8 on the same images:
        using var scorer = new DaClipOnnxScorer(DaClipOnnxExporter.ExportToBytes(_net, new DaClipExportOptions { Precision = OnnxPrecision.Int8 }), Cpu);
        var together = scorer.ScorePixels(_pixels, Images);
        int len = 3 * Size * Size;
        double score = 0, pMin = 1;
        for (int i = 0; i < Images; i++)
        {
            var alone = scorer.ScorePixels(_pixels[(i * len)..((i + 1) * len)], 1)[0];
            score = Math.Max(score, Math.Abs(alone.Score - together[i].Score));
            pMin = Math.Min(pMin, Correlation.Pearson(alone.AnomalyMap, together[i].AnomalyMap));
        }
        TestContext.WriteLine($"batch 1 vs batch {Images}: score max |diff| {score:E2}, map Pearson min {pMin:F5}");
        Assert.IsGreaterThan(0.0, score, "the batch does matter (per-tensor activation scale)");
        Assert.IsLessThan(0.01, score, "batch 1 vs 8: score max |diff|");
        Assert.IsGreaterThan(0.999, pMin, "batch 1 vs 8: map Pearson min");
    }

    [TestMethod]
    public void Pearson_matches_a_hand_computed_value()
    {
        // x = [1, 2, 3, 4], y = [2, 1, 4, 3]: Σ dx dy = 3, Σ dx² = Σ dy² = 5, so r = 3 / 5.
        Assert.AreEqual(0.6, Correlation.Pearson([1f, 2f, 3f, 4f], [2f, 1f, 4f, 3f]), 1e-12);
        Assert.AreEqual(-1.0, Correlation.Pearson([1f, 2f, 3f], [3f, 2f, 1f]), 1e-12);
        Assert.AreEqual(0.0, Correlation.Pearson([1f, 1f, 1f], [3f, 2f, 1f]));
        Assert.AreEqual(1.0, Correlation.Pearson([2f, 2f], [2f, 2f]));
    }

    /// <summary>
    /// Deviation bounds on this network, with margin: measured score 3.5e-3 (DynamicQuantizeMatMul,
    /// MatMulIntegerToFloat) and 3.8e-3 (MatMulInteger), map 5.7e-3, map Pearson min 0.99996, mean 0.99998.
    /// </summary>
    private static void AssertWithinBounds((double Score, double Map, double PearsonMin, double PearsonMean) d)
    {
        Assert.IsGreaterThan(0.0, d.Score, "int8 is not float32: some deviation exists");
        Assert.IsLessThan(0.01, d.Score, "score max |diff|");
        Assert.IsLessThan(0.02, d.Map, "anomaly_map max |diff|");
        Assert.IsGreaterThan(0.999, d.PearsonMin, "per-image map Pearson, min");
        Assert.IsGreaterThan(0.9995, d.PearsonMean, "per-image map Pearson, mean");
    }

    private static (double Score, double Map, double PearsonMin, double PearsonMean) Deviation(DaClipOnnxScorer int8)
    {
        using var reference = new DaClipOnnxScorer(_fp32, Cpu);
        var expected = reference.ScorePixels(_pixels, Images);
        var actual = int8.ScorePixels(_pixels, Images);
        double score = 0, map = 0, pMin = 1, pSum = 0;
        for (int i = 0; i < Images; i++)
        {
            score = Math.Max(score, Math.Abs(actual[i].Score - expected[i].Score));
            map = Math.Max(map, Tolerance.MaxAbs(actual[i].AnomalyMap, expected[i].AnomalyMap));
            double p = Correlation.Pearson(actual[i].AnomalyMap, expected[i].AnomalyMap);
            pMin = Math.Min(pMin, p);
            pSum += p;
        }
        return (score, map, pMin, pSum / Images);
    }
}
