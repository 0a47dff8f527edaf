using DaClip.MLNet.Tests.Infrastructure;
using DaClip.MLNet.Training;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Training;

[TestClass]
public sealed class FeatureCacheTests
{
    [TestMethod]
    public void Keys_change_with_the_image_the_backbone_and_the_feature_settings()
    {
        var px = Enumerable.Range(0, 300).Select(i => i / 300f).ToArray();
        var k = IFeatureCache.Key("fp-a", "S=32", px);
        Assert.AreEqual(k, IFeatureCache.Key("fp-a", "S=32", px.ToArray()));
        var changed = px.ToArray();
        changed[17] += 1e-6f;
        Assert.AreNotEqual(k, IFeatureCache.Key("fp-a", "S=32", changed));
        Assert.AreNotEqual(k, IFeatureCache.Key("fp-b", "S=32", px));
        Assert.AreNotEqual(k, IFeatureCache.Key("fp-a", "S=64", px));
    }

    [TestMethod]
    public void Backbone_fingerprint_follows_the_weights()
    {
        var a = SmallModels.Backbone(seed: 1);
        var b = SmallModels.Backbone(seed: 1);
        var c = SmallModels.Backbone(seed: 2);
        Assert.AreEqual(BackboneFingerprint.Of(a), BackboneFingerprint.Of(b));
        Assert.AreNotEqual(BackboneFingerprint.Of(a), BackboneFingerprint.Of(c));
    }

    [TestMethod]
    public void Disk_cache_round_trips_in_float16_and_survives_a_new_instance()
    {
        using var tmp = new TempDir("fc");
        var patches = Enumerable.Range(0, 1000).Select(i => MathF.Sin(i) * 0.5f).ToArray();
        var global = Enumerable.Range(0, 16).Select(i => i / 16f).ToArray();
        new DiskFeatureCache(tmp.Path).Put("ab12cd", patches, global);
        var again = new DiskFeatureCache(tmp.Path);
        Assert.IsTrue(again.TryGet("ab12cd", out var p, out var g));
        Assert.IsTrue(Tolerance.MaxAbs(p, patches) <= 5e-4, "fp16 rounding of values in [-0.5, 0.5]");
        CollectionAssert.AreEqual(global, g, "multiples of 1/16 are exact in fp16");
        Assert.IsFalse(again.TryGet("ffff00", out _, out _));

        File.WriteAllText(Directory.GetFiles(tmp.Path, "ab12cd.safetensors", SearchOption.AllDirectories)[0], "broken");
        Assert.IsFalse(again.TryGet("ab12cd", out _, out _), "a damaged entry is dropped and recomputed");
    }

    [TestMethod]
    public void Disk_cache_training_reuses_entries_across_runs()
    {
        using var tmp = new TempDir("fc2");
        var options = new DaClipTrainingOptions { Epochs = 1, BatchSize = 4, Seed = 3, FeatureCache = FeatureCacheMode.Disk, FeatureCacheDirectory = tmp.Path };
        var data = SmallModels.ToyData(6, seed: 9);
        var first = DaClipTrainer.Create(SmallModels.Backbone(), SmallModels.Prompts(SmallModels.Options), SmallModels.Options, options).Train(data);
        Assert.AreEqual(6, Directory.GetFiles(tmp.Path, "*.safetensors", SearchOption.AllDirectories).Length);
        Assert.IsTrue(first.FeatureSeconds > 0);
        var second = DaClipTrainer.Create(SmallModels.Backbone(), SmallModels.Prompts(SmallModels.Options), SmallModels.Options, options).Train(data);
        Assert.AreEqual(0, second.FeatureSeconds, "every feature came from the cache");
        Assert.AreEqual(FeatureCacheMode.Disk, second.CacheMode);
    }
}
