using DaClip.MLNet.Training.Clip;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;

namespace DaClip.MLNet.Tests.Network;

/// <summary>
/// The depth-dependent defaults (METHOD §9: taps round(kL/4), k = 1..4, round half up, de-duplicated;
/// VvStartLayer = max(1, round(L/4)); Token Adapters on every text block) against the
/// <c>method_defaults_for_this_depth</c> entry of every DA-CLIP fixture config, against METHOD's worked examples, and
/// as the network built from the fixture's CLIP tower applies them.
/// </summary>
[TestClass]
public sealed class LayerDefaultsTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void Defaults_match_method_defaults_for_this_depth_of_every_fixture_config()
    {
        int sets = 0;
        foreach (var f in DaClipFixture.All())
        {
            using (f)
            {
                var defaults = f.Config.RootElement.GetProperty("method_defaults_for_this_depth");
                var (vision, text) = f.Depths();
                var options = new DaClipModelOptions();
                var taps = defaults.GetProperty("taps").EnumerateArray().Select(e => e.GetInt32()).ToArray();
                CollectionAssert.AreEqual(taps, options.ResolveTaps(vision), $"{f.Name}: default taps for depth {vision}");
                Assert.AreEqual(defaults.GetProperty("vv_start_layer").GetInt32(), options.ResolveVvStartLayer(vision), $"{f.Name}: default VvStartLayer for depth {vision}");
                // Adapters: the config lists them as 0-based blocks when it gives them; METHOD's default is every block.
                int adapters = defaults.TryGetProperty("adapter_layers", out var listed) ? listed.GetArrayLength() : text;
                Assert.AreEqual(adapters, options.ResolveAdapterLayers(text), $"{f.Name}: default adapter layers for {text} text blocks");

                // The set's explicit options resolve to themselves, including a VvStartLayer other than the default.
                var o = f.Config.RootElement.GetProperty("options");
                CollectionAssert.AreEqual(o.GetProperty("taps").EnumerateArray().Select(e => e.GetInt32()).ToArray(), f.Options.ResolveTaps(vision));
                Assert.AreEqual(o.GetProperty("vv_start_layer").GetInt32(), f.Options.ResolveVvStartLayer(vision));
                Assert.AreEqual(o.GetProperty("adapter_layers").GetArrayLength(), f.Options.ResolveAdapterLayers(text));
                TestContext.WriteLine($"{f.Name}: depth {vision}/{text}: taps [{string.Join(", ", taps)}], VvStartLayer {options.ResolveVvStartLayer(vision)}, adapters {adapters}");
                sets++;
            }
        }
        Assert.IsGreaterThan(0, sets, "no daclip_* reference set found");
    }

    [TestMethod]
    public void Network_built_with_default_options_applies_them_to_the_fixture_tower()
    {
        int sets = 0;
        foreach (var f in DaClipFixture.All())
        {
            using (f)
            using (var scope = torch.NewDisposeScope())
            using (var clip = ClipCheckpoint.Load(f.ClipWeights))
            {
                var defaults = f.Config.RootElement.GetProperty("method_defaults_for_this_depth");
                var (_, text) = f.Depths();
                var options = f.Options with { Taps = null, VvStartLayer = null, AdapterLayers = null };
                using var net = f.Network(clip, options);
                CollectionAssert.AreEqual(defaults.GetProperty("taps").EnumerateArray().Select(e => e.GetInt32()).ToArray(), net.Visual.Taps, f.Name);
                Assert.AreEqual(defaults.GetProperty("vv_start_layer").GetInt32(), net.Visual.VvStartLayer, f.Name);
                Assert.AreEqual(text, net.Text.Global.Adapters.Count, $"{f.Name}: an adapter on every text block");
                if (net.Text.Local is { } local) Assert.AreEqual(text, local.Adapters.Count);
                sets++;
            }
        }
        Assert.IsGreaterThan(0, sets, "no daclip_* reference set found");
    }

    [TestMethod]
    [DataRow(24, new[] { 6, 12, 18, 24 }, 6)]
    [DataRow(12, new[] { 3, 6, 9, 12 }, 3)]
    [DataRow(3, new[] { 1, 2, 3 }, 1)]
    [DataRow(2, new[] { 1, 2 }, 1)]
    [DataRow(1, new[] { 1 }, 1)]
    [DataRow(6, new[] { 2, 3, 5, 6 }, 2)]
    public void Defaults_follow_the_method_rule(int depth, int[] taps, int vvStart)
    {
        var options = new DaClipModelOptions();
        CollectionAssert.AreEqual(taps, options.ResolveTaps(depth), $"taps for depth {depth}");
        Assert.AreEqual(vvStart, options.ResolveVvStartLayer(depth), $"VvStartLayer for depth {depth}");
        Assert.AreEqual(depth, options.ResolveAdapterLayers(depth));
    }
}
