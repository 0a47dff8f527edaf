using DaClip.MLNet.Tests.Infrastructure;
using DaClip.MLNet.Tests.Network;
using DaClip.MLNet.Training.Clip;
using DaClip.MLNet.Training.Export;
using DaClip.MLNet.Training.Network;
using Microsoft.ML.OnnxRuntime;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;

namespace DaClip.MLNet.Tests.Export;

/// <summary>
/// Independent check of the exported graph: for every <c>daclip/daclip_*</c> reference set, the model exported from
/// its CLIP weights and trainable params, fed <c>pixel_values_raw</c>, reproduces the stored <c>M</c>,
/// <c>anomaly_map</c>, <c>global_prob</c>, <c>score</c> and <c>predicted_label</c> (made by the Python reference
/// implementation) within abs 1e-4, for the set's own options and for every variant its config lists (<c>joint_</c>,
/// <c>nodar_</c>, <c>nores_</c>, ...); and with non-default alpha / beta / tau / top-k the exported graph agrees with
/// the TorchSharp network.
/// </summary>
[TestClass]
internal sealed class DaClipExportFixtureTests
{
    private const double Abs = 1e-4;

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    [DataRow("", DarScanForm.Parallel, true, GraphOptimizationLevel.ORT_ENABLE_ALL)]
    [DataRow("", DarScanForm.Sequential, true, GraphOptimizationLevel.ORT_ENABLE_ALL)]
    [DataRow("", DarScanForm.Parallel, false, GraphOptimizationLevel.ORT_ENABLE_ALL)]
    [DataRow("", DarScanForm.Parallel, true, GraphOptimizationLevel.ORT_DISABLE_ALL)]
    public void Exported_graph_reproduces_the_reference_outputs(string prefix, DarScanForm form, bool fused, GraphOptimizationLevel level)
    {
        int sets = 0;
        foreach (var f in DaClipFixture.All())
        {
            using (f)
            using (var scope = torch.NewDisposeScope())
            using (var clip = ClipCheckpoint.Load(f.ClipWeights))
            {
                CheckExport(f, clip, prefix, f.Options, form, fused, level);
                sets++;
            }
        }
        Assert.IsGreaterThan(0, sets, "no daclip_* reference set found");
    }

    [TestMethod]
    public void Exported_graph_reproduces_every_variant_set()
    {
        var seen = new List<string>();
        foreach (var f in DaClipFixture.All())
        {
            using (f)
            using (var clip = ClipCheckpoint.Load(f.ClipWeights))
            {
                foreach (var (prefix, options) in f.Variants())
                {
                    using var scope = torch.NewDisposeScope();
                    CheckExport(f, clip, prefix, options, DarScanForm.Parallel, fused: true, GraphOptimizationLevel.ORT_ENABLE_ALL);
                    seen.Add(f.Name + "/" + prefix);
                }
            }
        }
        Assert.IsGreaterThan(0, seen.Count, "no variant found in the daclip_* configs");
        TestContext.WriteLine("variants exported: " + string.Join(", ", seen));
    }

    [TestMethod]
    public void Non_default_alpha_beta_tau_and_top_k_export_as_the_network_computes()
    {
        int sets = 0;
        foreach (var f in DaClipFixture.All())
        {
            using (f)
            using (var scope = torch.NewDisposeScope())
            using (var clip = ClipCheckpoint.Load(f.ClipWeights))
            {
                var options = f.Options with { Alpha = 0.35, Beta = 0.8, Tau = 0.05, TopK = 3 };
                using var net = f.Network(clip, options);
                var raw = f.Io.ReadSingle("pixel_values_raw");
                var shape = f.Io["pixel_values_raw"].Shape;
                int n = (int)shape[0], s = (int)shape[2];
                var expected = DaClipExportHarness.Reference(net, raw, n, options.Threshold);
                var actual = DaClipExportHarness.Run(DaClipOnnxExporter.ExportToBytes(net, new DaClipExportOptions()), raw, n, s);
                var err = DaClipExportHarness.AssertClose(actual, expected, Abs, $"{f.Name} alpha 0.35 beta 0.8 tau 0.05 top-k 3");
                TestContext.WriteLine($"{f.Name} non-default options, ONNX vs TorchSharp: {err}");
                // The options take effect: the scores move well beyond the tolerance from the set's stored defaults.
                var stored = f.Io.ReadSingle("score");
                Assert.IsGreaterThan(1e-2, Tolerance.MaxAbs(actual.Score, stored), $"{f.Name}: the non-default options change the score");
                sets++;
            }
        }
        Assert.IsGreaterThan(0, sets, "no daclip_* reference set found");
    }

    private void CheckExport(DaClipFixture f, ClipModel clip, string prefix, DaClipModelOptions options, DarScanForm form, bool fused, GraphOptimizationLevel level)
    {
        using var net = f.Network(clip, options);
        var raw = f.Io.ReadSingle("pixel_values_raw");
        var shape = f.Io["pixel_values_raw"].Shape;
        int n = (int)shape[0], s = (int)shape[2];
        var model = DaClipOnnxExporter.ExportToBytes(net, new DaClipExportOptions { ScanForm = form, FusedAttention = fused });
        var actual = DaClipExportHarness.Run(model, raw, n, s, level);
        void Check(float[] values, string key)
        {
            double err = Tolerance.AssertClose(values, f.Io.ReadSingle(prefix + key), Abs, 0, $"{f.Name}/{prefix}{key} ({form}, {(fused ? "fused" : "standard")} attention, {level})");
            TestContext.WriteLine($"{f.Name} {prefix}{key} ({form}, {(fused ? "fused" : "standard")} attention, {level}): max abs {err:E2}");
        }
        Check(actual.PatchMap, "M");
        Check(actual.AnomalyMap, "anomaly_map");
        Check(actual.GlobalProb, "global_prob");
        Check(actual.Score, "score");
        var expectedLabels = f.Has(prefix + "predicted_label")
            ? f.Io.ReadInt64(prefix + "predicted_label")
            : f.Io.ReadSingle(prefix + "score").Select(v => v > (float)options.Threshold ? 1L : 0L).ToArray();
        CollectionAssert.AreEqual(expectedLabels, actual.Label.Select(b => b ? 1L : 0L).ToArray(), $"{f.Name}/{prefix}predicted_label");
    }
}
