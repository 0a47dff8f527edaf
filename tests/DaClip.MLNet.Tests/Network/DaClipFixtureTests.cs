using DaClip.MLNet.Tests.Infrastructure;
using DaClip.MLNet.Training.Clip;
using DaClip.MLNet.Training.Network;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using static TorchSharp.torch;

namespace DaClip.MLNet.Tests.Network;

/// <summary>
/// Every DA-CLIP reference set reproduces every stored intermediate within abs 1e-4 + rel 1e-4 (fixtures README §4):
/// V-V tokens, patch features, text branches, DAR, maps, scores, loss, the joint/nodar/nores variants and the scan case.
/// </summary>
[TestClass]
internal sealed class DaClipFixtureTests
{
    private const double Abs = 1e-4, Rel = 1e-4;

    public TestContext TestContext { get; set; } = null!;

    private void Check(DaClipFixture f, string key, Tensor actual)
    {
        double err = Tolerance.AssertClose(FixtureTensors.Values(actual), f.Io.ReadSingle(key), Abs, Rel, $"{f.Name}/{key}");
        TestContext.WriteLine($"{f.Name} {key}: max abs {err:E2}");
    }

    private static void ForEachSet(Action<DaClipFixture, ClipModel> body)
    {
        foreach (var f in DaClipFixture.All())
        {
            using (f)
            using (var scope = torch.NewDisposeScope())
            using (var clip = ClipCheckpoint.Load(f.ClipWeights))
            using (torch.no_grad())
            {
                body(f, clip);
            }
        }
    }

    [TestMethod]
    public void Prompt_layout_and_eot_positions()
    {
        ForEachSet((f, _) =>
        {
            var bank = f.Prompts(f.Options);
            var layout = f.Io.ReadInt64("text_token_layout");
            CollectionAssert.AreEqual(layout, bank.Layout.Cast<long>().ToArray());
            CollectionAssert.AreEqual(f.Io.ReadInt64("text_eot_index"), bank.EotIndex);
        });
    }

    [TestMethod]
    public void Vision_taps_patch_features_and_global_feature()
    {
        ForEachSet((f, clip) =>
        {
            using var net = f.Network(clip, f.Options);
            var raw = f.Float("pixel_values_raw");
            Check(f, "pixel_values", DaClipNetwork.NormalizePixels(raw));
            var (taps, _) = net.Visual.Tokens(DaClipNetwork.NormalizePixels(raw));
            for (int i = 0; i < net.Visual.Taps.Length; i++) Check(f, $"vv_tokens_layer_{net.Visual.Taps[i]}", taps[i]);
            using var visual = net.EncodeVisual(raw);
            for (int i = 0; i < net.Visual.Taps.Length; i++) Check(f, $"patch_features_layer_{net.Visual.Taps[i]}", visual.PatchFeatures.select(1, i));
            Check(f, "global_feature", visual.Global);
        });
    }

    [TestMethod]
    public void Text_branches_slots_eot_rows_features_and_class_means()
    {
        ForEachSet((f, clip) =>
        {
            using var net = f.Network(clip, f.Options);
            foreach (var (branch, name) in Branches(f, net))
            {
                var slots = new Dictionary<int, float[]>();
                float[]? eot = null;
                var features = branch.PromptFeatures(clip, net.Prompts, (j, s) => slots[j] = FixtureTensors.Values(s), rows => eot = FixtureTensors.Values(rows));
                foreach (var (j, values) in slots)
                    Tolerance.AssertClose(values, f.Io.ReadSingle($"text_{name}_slots_in_block_{j}"), Abs, Rel, $"text_{name}_slots_in_block_{j}");
                Assert.AreEqual(clip.TextBlocks.Count, slots.Count);
                Tolerance.AssertClose(eot!, f.Io.ReadSingle($"text_{name}_eot_ln_final"), Abs, Rel, $"text_{name}_eot_ln_final");
                Check(f, $"text_features_{name}", features);
            }
            using var text = net.EncodeText();
            Check(f, "T_g", text.Global);
            // Joint alignment: T_l := T_g (METHOD §3), so the stored T_l is checked against the global branch's output.
            Check(f, "T_l", text.Local);
        });
    }

    /// <summary>
    /// The text branches the set's options build: both for decoupled alignment, the global one alone for joint (a
    /// joint network has no local branch); asserts that the network agrees with the options.
    /// </summary>
    private static IEnumerable<(TextBranch Branch, string Name)> Branches(DaClipFixture f, DaClipNetwork net)
    {
        yield return (net.Text.Global, "global");
        if (f.Options.Alignment == TextAlignment.Joint)
        {
            Assert.IsNull(net.Text.Local, $"{f.Name}: a joint network has no local branch");
            yield break;
        }
        yield return (net.Text.Local ?? throw new AssertFailedException($"{f.Name}: a decoupled network needs a local branch"), "local");
    }

    [TestMethod]
    [DataRow(ScanMode.Chunked)]
    [DataRow(ScanMode.Sequential)]
    public void Dar_block_intermediates_and_refined_text(ScanMode scan)
    {
        ForEachSet((f, clip) =>
        {
            using var net = f.Network(clip, f.Options);
            using var visual = net.EncodeVisual(f.Float("pixel_values_raw"));
            using var text = net.EncodeText();
            if (!f.Options.UseDar)
            {
                // A DAR-off set: no block, no intermediates, and the text rows are used unrefined (T' = T).
                Assert.IsNull(net.Dar, $"{f.Name}: use_dar = false builds no DAR block");
                var plain = net.Forward(visual, text, pixelMaps: false);
                Assert.IsNull(plain.Dar);
                Check(f, "T_l", plain.LocalText.select(0, 0));
                Check(f, "T_g", plain.GlobalText.select(0, 0));
                return;
            }
            net.Dar!.Scan = scan;
            var o = net.Forward(visual, text, pixelMaps: false);
            var d = o.Dar ?? throw new AssertFailedException($"{f.Name}: use_dar = true but the forward pass ran no DAR");
            Check(f, "dar_X", d.X);
            Check(f, "dar_in", d.In);
            Check(f, "dar_u", d.U);
            Check(f, "dar_dt", d.Dt);
            Check(f, "dar_B", d.B);
            Check(f, "dar_C", d.C);
            Check(f, "dar_x_ssm", d.XSsm);
            Check(f, "dar_h_last", d.HLast);
            Check(f, "dar_conv_in", d.ConvIn);
            Check(f, "dar_x_conv", d.XConv);
            Check(f, "dar_ssm_out", d.SsmOut);
            Check(f, "dar_dS", d.DS);
            Check(f, "dar_dA", d.DA);
            Check(f, "T_l_refined", o.LocalText);
            Check(f, "T_g_refined", o.GlobalText);
        });
    }

    [TestMethod]
    public void Maps_fusion_pixel_map_and_scores()
    {
        ForEachSet((f, clip) =>
        {
            using var net = f.Network(clip, f.Options);
            using var visual = net.EncodeVisual(f.Float("pixel_values_raw"));
            using var text = net.EncodeText();
            var o = net.Forward(visual, text, pixelMaps: true);
            CheckMaps(f, net, o, "");
            Check(f, "M_upsampled", o.UpsampledMap!);
            Check(f, "gaussian_kernel", torch.tensor(net.Head.Kernel));
            Check(f, "global_logits", o.GlobalLogits);
            var extra = f.Config.RootElement.GetProperty("extra_top_k").EnumerateArray().Select(e => e.GetInt32());
            foreach (var k in extra) Check(f, $"topk_mean_k{k}", AnomalyMapHead.TopKMean(o.PatchMap, k));
            var predicted = (o.Score > f.Options.Threshold).to(ScalarType.Int64).data<long>().ToArray();
            CollectionAssert.AreEqual(f.Io.ReadInt64("predicted_label"), predicted);

            var p = net.Predict(f.Float("pixel_values_raw"));
            Check(f, "score", p.Score);
            Check(f, "anomaly_map", p.AnomalyMap);
            Check(f, "global_prob", p.GlobalProbability);
            Check(f, "M", p.PatchMap);
        });
    }

    private void CheckMaps(DaClipFixture f, DaClipNetwork net, DaClipOutputs o, string prefix)
    {
        for (int i = 0; i < net.Visual.Taps.Length; i++)
        {
            Check(f, $"{prefix}L_layer_{net.Visual.Taps[i]}", o.LocalMaps.select(1, i));
            Check(f, $"{prefix}G_layer_{net.Visual.Taps[i]}", o.GlobalMaps.select(1, i));
        }
        Check(f, $"{prefix}M", o.PatchMap);
        Check(f, $"{prefix}anomaly_map", o.AnomalyMap!);
        Check(f, $"{prefix}global_prob", o.GlobalProbability);
        Check(f, $"{prefix}topk_mean", o.TopKMean);
        Check(f, $"{prefix}score", o.Score);
    }

    private void CheckLoss(DaClipFixture f, DaClipNetwork net, DaClipOutputs o, string prefix)
    {
        var masks = FixtureTensors.Long(f.Io, "masks").to(ScalarType.Float32);
        var labels = FixtureTensors.Long(f.Io, "labels");
        var hasMask = torch.ones(labels.shape[0], dtype: ScalarType.Bool);
        var loss = DaClipLoss.Compute(net.Head, o.LocalMaps, o.GlobalMaps, o.GlobalLogits, masks, hasMask, labels, f.Options.Lambda);
        if (prefix == "")
        {
            Check(f, "loss_map_parts", loss.MapParts);
            Check(f, "loss_ce_per_image", loss.CrossEntropyPerImage);
        }
        Check(f, $"{prefix}loss_focal", loss.Focal);
        Check(f, $"{prefix}loss_dice", loss.Dice);
        Check(f, $"{prefix}loss_ce", loss.CrossEntropy);
        Check(f, $"{prefix}loss_total", loss.Total);
    }

    [TestMethod]
    public void Loss_parts_and_total()
    {
        ForEachSet((f, clip) =>
        {
            using var net = f.Network(clip, f.Options);
            using var visual = net.EncodeVisual(f.Float("pixel_values_raw"));
            using var text = net.EncodeText();
            CheckLoss(f, net, net.Forward(visual, text, pixelMaps: false), "");
        });
    }

    [TestMethod]
    public void Every_variant_of_every_set()
    {
        int variants = 0;
        ForEachSet((f, clip) =>
        {
            foreach (var (prefix, options) in f.Variants())
            {
                using var scope = torch.NewDisposeScope();
                using var net = f.Network(clip, options);
                using var visual = net.EncodeVisual(f.Float("pixel_values_raw"));
                using var text = net.EncodeText();
                var o = net.Forward(visual, text, pixelMaps: true);
                if (f.Has($"{prefix}text_features_global"))
                {
                    Check(f, $"{prefix}text_features_global", net.Text.Global.PromptFeatures(clip, net.Prompts));
                    if (net.Text.Local is { } local) Check(f, $"{prefix}text_features_local", local.PromptFeatures(clip, net.Prompts));
                    Check(f, $"{prefix}T_g", text.Global);
                    Check(f, $"{prefix}T_l", text.Local);
                }
                else
                {
                    Assert.AreEqual(f.Options.AdapterResidual, options.AdapterResidual, $"{f.Name}/{prefix}: a variant that changes the adapters stores its text features");
                }
                if (options.UseDar)
                {
                    Check(f, $"{prefix}T_l_refined", o.LocalText);
                    Check(f, $"{prefix}T_g_refined", o.GlobalText);
                }
                else
                {
                    Assert.IsNull(o.Dar, $"{f.Name}/{prefix}: use_dar = false runs no DAR");
                }
                CheckMaps(f, net, o, prefix);
                CheckLoss(f, net, o, prefix);
                variants++;
            }
        });
        Assert.IsGreaterThan(0, variants, "no variant found in the reference sets' configs");
        TestContext.WriteLine($"{variants} variant(s) checked");
    }

    [TestMethod]
    [DataRow(ScanMode.Sequential)]
    [DataRow(ScanMode.Chunked)]
    public void Standalone_scan_case(ScanMode mode)
    {
        ForEachSet((f, _) =>
        {
            var u = f.Float("scan_u").unsqueeze(0);
            var delta = f.Float("scan_delta").unsqueeze(0);
            var a = f.Float("scan_A");
            var b = f.Float("scan_B").unsqueeze(0);
            var c = f.Float("scan_C").unsqueeze(0);
            var d = f.Float("scan_D");
            var (y, h) = mode == ScanMode.Sequential
                ? SelectiveScan.Sequential(u, delta, a, b, c, d)
                : SelectiveScan.Chunked(u, delta, a, b, c, d, chunk: 16);
            Check(f, "scan_y", y.squeeze(0));
            Check(f, "scan_h_last", h.squeeze(0));
        });
    }
}
