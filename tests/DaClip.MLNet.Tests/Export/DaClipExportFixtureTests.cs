using DaClip.MLNet.Tests.Infrastructure;
using DaClip.MLNet.Tests.Network;
using DaClip.MLNet.Training.Clip;
using DaClip.MLNet.Training.Export;
using Microsoft.ML.OnnxRuntime;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;

namespace DaClip.MLNet.Tests.Export;

/// <summary>
/// Independent check of the exported graph: for every <c>daclip/daclip_*</c> reference set, the model exported from
/// its CLIP weights and trainable params, fed <c>pixel_values_raw</c>, reproduces the stored <c>M</c>,
/// <c>anomaly_map</c>, <c>global_prob</c>, <c>score</c> and <c>predicted_label</c> (made by the Python reference
/// implementation) within abs 1e-4, for the DA-CLIP options and the <c>joint_</c> / <c>nodar_</c> variants.
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
    [DataRow("joint_", DarScanForm.Parallel, true, GraphOptimizationLevel.ORT_ENABLE_ALL)]
    [DataRow("nodar_", DarScanForm.Parallel, true, GraphOptimizationLevel.ORT_ENABLE_ALL)]
    public void Exported_graph_reproduces_the_reference_outputs(string prefix, DarScanForm form, bool fused, GraphOptimizationLevel level)
    {
        int sets = 0;
        foreach (var f in DaClipFixture.All())
        {
            using (f)
            using (var scope = torch.NewDisposeScope())
            using (var clip = ClipCheckpoint.Load(f.ClipWeights))
            {
                var options = prefix switch
                {
                    "joint_" => f.Options with { Alignment = TextAlignment.Joint },
                    "nodar_" => f.Options with { UseDar = false },
                    _ => f.Options,
                };
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
                if (prefix == "")
                    CollectionAssert.AreEqual(f.Io.ReadInt64("predicted_label"), actual.Label.Select(b => b ? 1L : 0L).ToArray(), $"{f.Name}/predicted_label");
                sets++;
            }
        }
        Assert.IsGreaterThan(0, sets, "no daclip_* reference set found");
    }
}
