using DaClip.MLNet.Tests.Infrastructure;
using DaClip.MLNet.Training.Clip;
using DaClip.MLNet.Training.Export;
using DaClip.MLNet.Training.Network;
using Microsoft.ML.OnnxRuntime;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;

namespace DaClip.MLNet.Tests.Export;

/// <summary>
/// The exported graph on ONNX Runtime (CPU, optimisations on and off; both scan forms, fused and standard attention)
/// against <see cref="DaClipNetwork.Predict"/> on the same weights: score, global_prob, patch_map and anomaly_map
/// within abs 1e-4, predicted_label equal.
/// </summary>
[TestClass]
public sealed class DaClipExportParityTests
{
    private const double Abs = 1e-4;
    private static DaClipNetwork _small = null!;
    private static DaClipNetwork _deep = null!;

    public TestContext TestContext { get; set; } = null!;

    /// <summary>6 vision layers of width 128 (2 heads), native 32 px, run at 48 px (grid 6: positional embedding resized).</summary>
    private static ClipConfig DeepConfig { get; } = SmallModels.Config with { VisionLayers = 6, VisionWidth = 128 };

    /// <summary>Tap 1 below the V-V start (layer 2), taps 3 and 6 on the V-V stream, k = 5 &lt; P = 36, σ = 2.</summary>
    private static DaClipModelOptions DeepOptions { get; } = new() { ImageSize = 48, Taps = [1, 3, 6], VvStartLayer = 2, TopK = 5, Sigma = 2, Threshold = 0.55 };

    [ClassInitialize]
    public static void Setup(TestContext _)
    {
        _small = DaClipExportHarness.TrainedSmallNetwork();
        _deep = DaClipExportHarness.TrainedSmallNetwork(DeepOptions, DeepConfig);
    }

    [ClassCleanup]
    public static void Cleanup()
    {
        _small.Dispose();
        _deep.Dispose();
    }

    private DaClipNetwork Net(string which) => which == "small" ? _small : _deep;

    [TestMethod]
    [DataRow("small", 1)]
    [DataRow("small", 3)]
    [DataRow("deep", 1)]
    [DataRow("deep", 3)]
    public void Exported_graph_matches_the_TorchSharp_reference(string which, int batch)
    {
        var net = Net(which);
        int s = net.Options.ImageSize;
        var pixels = DaClipExportHarness.Pixels(batch, s, seed: 10 + batch);
        var expected = DaClipExportHarness.Reference(net, pixels, batch, net.Options.Threshold);
        foreach (var (form, fused) in new[] { (DarScanForm.Parallel, true), (DarScanForm.Sequential, true), (DarScanForm.Parallel, false) })
        {
            var model = DaClipOnnxExporter.ExportToBytes(net, new DaClipExportOptions { ScanForm = form, FusedAttention = fused });
            foreach (var level in new[] { GraphOptimizationLevel.ORT_ENABLE_ALL, GraphOptimizationLevel.ORT_DISABLE_ALL })
            {
                var what = $"{which} N={batch} {form} {(fused ? "fused" : "standard")} attention {level}";
                var d = DaClipExportHarness.AssertClose(DaClipExportHarness.Run(model, pixels, batch, s, level), expected, Abs, what);
                TestContext.WriteLine($"{what}: max abs score {d.Score:E2} map {d.AnomalyMap:E2} global {d.GlobalProb:E2} patch {d.PatchMap:E2}");
            }
        }
    }

    [TestMethod]
    public void The_DAR_moves_the_outputs_far_beyond_the_tolerance()
    {
        // Guards the parity test's power: without the DAR's refinement the maps differ by much more than 1e-4.
        foreach (var net in new[] { _small, _deep })
        {
            int s = net.Options.ImageSize;
            var pixels = DaClipExportHarness.Pixels(2, s, seed: 3);
            var withDar = DaClipExportHarness.Reference(net, pixels, 2, net.Options.Threshold);
            using var noDar = new DaClipNetwork(net.Clip, net.Prompts, net.Options with { UseDar = false });
            noDar.LoadTrainable(net.TrainableStateDict().Where(kv => kv.Key.StartsWith("text.", StringComparison.Ordinal))
                .ToDictionary(kv => kv.Key, kv => (kv.Value.data<float>().ToArray(), kv.Value.shape)), "trained network");
            var without = DaClipExportHarness.Reference(noDar, pixels, 2, net.Options.Threshold);
            var d = withDar.MaxAbs(without);
            TestContext.WriteLine($"DAR effect: patch map {d.PatchMap:E2}, score {d.Score:E2}");
            Assert.IsGreaterThan(1e-2, d.PatchMap);
        }
    }

    [TestMethod]
    [DataRow("joint")]
    [DataRow("nodar")]
    [DataRow("expand2")]
    [DataRow("bicubic")]
    public void Variants_export_and_match(string variant)
    {
        var options = variant switch
        {
            "joint" => DeepOptions with { Alignment = TextAlignment.Joint },
            "nodar" => DeepOptions with { UseDar = false },
            "expand2" => DeepOptions with { DarExpand = 2, DarState = 8, DarDtRank = 3 },
            _ => DeepOptions with { PositionalInterpolation = PositionalInterpolation.Bicubic },
        };
        using var net = new DaClipNetwork(_deep.Clip, _deep.Prompts, options, seed: 9);
        using (torch.no_grad())
        {
            foreach (var (name, p) in net.named_parameters())
                if (name is "dar.gamma_s" or "dar.gamma_a") p.fill_(0.5f);
        }
        try
        {
            var pixels = DaClipExportHarness.Pixels(3, options.ImageSize, seed: 21);
            var expected = DaClipExportHarness.Reference(net, pixels, 3, options.Threshold);
            var actual = DaClipExportHarness.Run(DaClipOnnxExporter.ExportToBytes(net), pixels, 3, options.ImageSize);
            var d = DaClipExportHarness.AssertClose(actual, expected, Abs, variant);
            TestContext.WriteLine($"{variant}: max abs score {d.Score:E2} map {d.AnomalyMap:E2} global {d.GlobalProb:E2} patch {d.PatchMap:E2}");
        }
        finally
        {
            // The backbone is shared with the other tests: restore the resampling the deep network was built with.
            _deep.Clip.Visual.Interpolation = DeepOptions.PositionalInterpolation;
        }
    }

    [TestMethod]
    public void Scan_forms_agree_with_each_other()
    {
        var pixels = DaClipExportHarness.Pixels(3, DeepOptions.ImageSize, seed: 8);
        var parallel = DaClipExportHarness.Run(DaClipOnnxExporter.ExportToBytes(_deep, new() { ScanForm = DarScanForm.Parallel }), pixels, 3, DeepOptions.ImageSize);
        var sequential = DaClipExportHarness.Run(DaClipOnnxExporter.ExportToBytes(_deep, new() { ScanForm = DarScanForm.Sequential }), pixels, 3, DeepOptions.ImageSize);
        var d = DaClipExportHarness.AssertClose(parallel, sequential, 1e-5, "parallel vs sequential scan");
        TestContext.WriteLine($"parallel vs sequential: score {d.Score:E2} map {d.AnomalyMap:E2} global {d.GlobalProb:E2} patch {d.PatchMap:E2}");
    }
}
