using DaClip.MLNet.Scoring;
using DaClip.MLNet.Tests.Export;
using DaClip.MLNet.Tests.Infrastructure;
using DaClip.MLNet.Training.Clip;
using DaClip.MLNet.Training.Export;
using DaClip.MLNet.Training.Network;
using DaClip.MLNet.Training.ZeroShot;
using Microsoft.ML.OnnxRuntime;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;

namespace DaClip.MLNet.Tests.ZeroShot;

/// <summary>
/// The training-free baseline on the tiny backbone: ONNX (through the shared exporter) against the TorchSharp
/// reference, the image probability against CLIP's own image embedding and logit scale, and the temperature.
/// </summary>
[TestClass]
public sealed class ZeroShotNetworkTests
{
    private const double Abs = 1e-4;
    private static ClipBackbone _tiny = null!;

    public TestContext TestContext { get; set; } = null!;

    [ClassInitialize]
    public static void Setup(TestContext _) => _tiny = ClipBackbone.Load(ClipBackbone.TinyName);

    [ClassCleanup]
    public static void Cleanup() => _tiny.Dispose();

    private static DaClipOutputsFlat Reference(ZeroShotNetwork net, float[] pixels, int n)
    {
        int s = net.Options.ImageSize;
        using var scope = torch.NewDisposeScope();
        using var p = net.Predict(torch.tensor(pixels, [n, 3, s, s]));
        var score = FixtureTensors.Values(p.Score);
        return new DaClipOutputsFlat(score, score.Select(v => v > (float)net.Options.Threshold).ToArray(), FixtureTensors.Values(p.AnomalyMap),
            FixtureTensors.Values(p.GlobalProbability), FixtureTensors.Values(p.PatchMap));
    }

    [TestMethod]
    [DataRow(128, 80, 4.0, 2)]
    [DataRow(64, 5, 2.0, 3)]
    public void Exported_graph_matches_the_TorchSharp_reference(int size, int topK, double sigma, int batch)
    {
        var options = new DaClipModelOptions { ImageSize = size, TopK = topK, Sigma = sigma, Threshold = 0.5 };
        using var net = ZeroShotNetwork.Create(_tiny.Model, _tiny.Tokenizer, options);
        var pixels = DaClipExportHarness.Pixels(batch, size, seed: size + batch);
        var expected = Reference(net, pixels, batch);
        foreach (var fused in new[] { true, false })
        {
            var model = DaClipOnnxExporter.ExportToBytes(net, new DaClipExportOptions { FusedAttention = fused });
            foreach (var level in new[] { GraphOptimizationLevel.ORT_ENABLE_ALL, GraphOptimizationLevel.ORT_DISABLE_ALL })
            {
                var what = $"S={size} N={batch} {(fused ? "fused" : "standard")} attention {level}";
                var d = DaClipExportHarness.AssertClose(DaClipExportHarness.Run(model, pixels, batch, size, level), expected, Abs, what);
                TestContext.WriteLine($"{what}: max abs score {d.Score:E2} map {d.AnomalyMap:E2} global {d.GlobalProb:E2} patch {d.PatchMap:E2}");
            }
        }
        var built = DaClipOnnxExporter.Build(net);
        var meta = built.Metadata;
        Assert.AreEqual(DaClipModelContract.MethodZeroShot, meta[DaClipModelMetadata.Method]);
        Assert.AreEqual(DaClipModelMetadata.FormatName, meta[DaClipModelMetadata.Format]);
        var contract = DaClipModelContract.Read(built.ToBytes());
        Assert.IsTrue(contract.DescribesNetwork(net.Options));
        Assert.AreEqual(net.Options, contract.NetworkOptions);
    }

    [TestMethod]
    public void Image_probability_is_the_softmax_of_clips_own_image_embedding_at_the_logit_scale()
    {
        // Independent path: CLIP's encode_image (not the V-V path), normalised, against [t_n, t_a] at exp(logit_scale).
        using var net = ZeroShotNetwork.Create(_tiny.Model, _tiny.Tokenizer, new DaClipModelOptions { ImageSize = 128 });
        var pixels = DaClipExportHarness.Pixels(3, 128, seed: 9);
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        var raw = torch.tensor(pixels, [3, 3, 128, 128]);
        var image = torch.nn.functional.normalize(_tiny.Model.EncodeImage(DaClipNetwork.NormalizePixels(raw)), dim: -1);
        var logits = torch.matmul(image, net.TextFeatures.t()) * _tiny.Model.LogitScale.exp();
        var expected = FixtureTensors.Values(logits.softmax(-1).select(-1, 1));
        using var p = net.Predict(raw);
        Tolerance.AssertClose(FixtureTensors.Values(p.GlobalProbability), expected, 1e-5, 0, "p_g");
        // With the text rows swapped (a sign error), every probability becomes 1 - p: far outside the tolerance here.
        Assert.IsTrue(expected.Any(v => Math.Abs(v - 0.5) > 1e-3), "probabilities away from 1/2, so a swap would show");
    }

    [TestMethod]
    public void Alpha_has_no_effect_and_the_temperature_is_clips()
    {
        using var a = ZeroShotNetwork.Create(_tiny.Model, _tiny.Tokenizer, new DaClipModelOptions { ImageSize = 64, Alpha = 0.1 });
        using var b = ZeroShotNetwork.Create(_tiny.Model, _tiny.Tokenizer, new DaClipModelOptions { ImageSize = 64, Alpha = 0.9 });
        var pixels = DaClipExportHarness.Pixels(2, 64, seed: 4);
        Tolerance.AssertClose(Reference(a, pixels, 2).PatchMap, Reference(b, pixels, 2).PatchMap, 1e-6, 0, "patch map under alpha 0.1 vs 0.9");
        Assert.AreEqual(0.07, a.Options.Tau, 1e-6, "tiny's logit scale is log(1/0.07)");

        using var fixedTau = ZeroShotNetwork.Create(_tiny.Model, _tiny.Tokenizer, new DaClipModelOptions { ImageSize = 64, Tau = 0.5 }, useClipLogitScale: false);
        Assert.AreEqual(0.5, fixedTau.Options.Tau);
        var clip = new ClipModel(ClipConfig.Tiny, 3);
        using (torch.no_grad()) clip.LogitScale.fill_((float)Math.Log(100));
        Assert.AreEqual(0.01, ZeroShotNetwork.ClipTemperature(clip), 1e-6);
        using (torch.no_grad()) clip.LogitScale.fill_((float)Math.Log(250));
        Assert.AreEqual(0.01, ZeroShotNetwork.ClipTemperature(clip), 1e-9, "clamped at 100 as in CLIP");
        clip.Dispose();
    }
}
