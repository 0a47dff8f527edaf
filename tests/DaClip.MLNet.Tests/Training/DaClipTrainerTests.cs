using DaClip.MLNet.Tests.Infrastructure;
using DaClip.MLNet.Training.Network;
using DaClip.MLNet.Training;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using static TorchSharp.torch;

namespace DaClip.MLNet.Tests.Training;

[TestClass]
public sealed class DaClipTrainerTests
{
    private static DaClipTrainingOptions Quick(int epochs = 2, FeatureCacheMode cache = FeatureCacheMode.Memory, string? checkpoint = null) =>
        new() { Epochs = epochs, BatchSize = 4, Seed = 11, FeatureCache = cache, CheckpointPath = checkpoint };

    private static DaClipTrainer NewTrainer(DaClipTrainingOptions options, DaClipModelOptions? model = null, List<string>? log = null)
    {
        var m = model ?? SmallModels.Options;
        return DaClipTrainer.Create(SmallModels.Backbone(), SmallModels.Prompts(m), m, options, log is null ? null : log.Add);
    }

    private static Dictionary<string, float[]> Weights(DaClipNetwork n) =>
        n.TrainableStateDict().ToDictionary(kv => kv.Key, kv => kv.Value.data<float>().ToArray());

    private static void AssertBitIdentical(Dictionary<string, float[]> a, Dictionary<string, float[]> b)
    {
        CollectionAssert.AreEquivalent(a.Keys.ToList(), b.Keys.ToList());
        foreach (var (k, v) in a)
            CollectionAssert.AreEqual(v.Select(BitConverter.SingleToInt32Bits).ToArray(), b[k].Select(BitConverter.SingleToInt32Bits).ToArray(), k);
    }

    [TestMethod]
    public void Only_adapters_slots_dar_and_gammas_learn_and_clip_stays_frozen()
    {
        var trainer = NewTrainer(Quick(epochs: 1));
        var clipBefore = trainer.Network.Clip.named_parameters().ToDictionary(p => p.name, p => p.parameter.data<float>().ToArray());
        var before = Weights(trainer.Network);
        Assert.IsTrue(before.Keys.All(k => k.StartsWith("text.") || k.StartsWith("dar.")), string.Join(",", before.Keys));
        Assert.IsTrue(trainer.Network.Clip.parameters().All(p => !p.requires_grad));

        trainer.Train(SmallModels.ToyData(8, seed: 1));

        foreach (var (name, p) in trainer.Network.Clip.named_parameters())
            CollectionAssert.AreEqual(clipBefore[name], p.data<float>().ToArray(), $"CLIP parameter {name} changed");
        var after = Weights(trainer.Network);
        var changed = after.Where(kv => !kv.Value.SequenceEqual(before[kv.Key])).Select(kv => kv.Key).ToList();
        foreach (var key in new[] { "text.global.slots", "text.local.slots", "text.global.adapters.0.up.weight", "text.local.adapters.1.down.weight", "dar.in_proj.weight", "dar.A_log", "dar.gamma_s", "dar.gamma_a" })
            CollectionAssert.Contains(changed, key);
        // METHOD §9 names and shapes for the small backbone (Dt = 64, D = 16, E = 16, N = 16, R = 1).
        Assert.AreEqual(10 * 64, after["text.global.slots"].Length);
        Assert.AreEqual(16 * 64, after["text.local.adapters.1.down.weight"].Length);
        Assert.AreEqual(16 * 1 * 4, after["dar.conv1d.weight"].Length);
        Assert.AreEqual((1 + 32) * 16, after["dar.x_proj.weight"].Length);
    }

    [TestMethod]
    public void Same_seed_and_data_give_bit_identical_weights()
    {
        var a = NewTrainer(Quick());
        a.Train(SmallModels.ToyData(8, seed: 2));
        var b = NewTrainer(Quick());
        b.Train(SmallModels.ToyData(8, seed: 2));
        AssertBitIdentical(Weights(a.Network), Weights(b.Network));

        var c = NewTrainer(Quick() with { Seed = 12 });
        c.Train(SmallModels.ToyData(8, seed: 2));
        Assert.IsFalse(Weights(c.Network)["text.local.slots"].SequenceEqual(Weights(a.Network)["text.local.slots"]));
    }

    [TestMethod]
    [DataRow(FeatureCacheMode.Memory)]
    [DataRow(FeatureCacheMode.None)]
    public void Resuming_after_epoch_1_ends_with_the_weights_of_an_uninterrupted_run(FeatureCacheMode cache)
    {
        using var tmp = new TempDir("resume");
        var data = SmallModels.ToyData(10, seed: 3);
        var full = NewTrainer(Quick(epochs: 3, cache: cache));
        full.Train(data);

        var first = NewTrainer(Quick(epochs: 1, cache: cache, checkpoint: tmp.File("ck.safetensors")));
        first.Train(data);
        Assert.AreEqual(1, DaClipCheckpoint.ReadInfo(tmp.File("ck.safetensors")).EpochsCompleted);

        var resumed = NewTrainer(Quick(epochs: 3, cache: cache));
        var result = resumed.Train(data, resumeFrom: tmp.File("ck.safetensors"));
        Assert.AreEqual(2, result.EpochLosses.Count, "only epochs 2 and 3 run");
        AssertBitIdentical(Weights(full.Network), Weights(resumed.Network));
    }

    [TestMethod]
    public void Cancelling_keeps_the_last_complete_checkpoint_and_reports_progress()
    {
        using var tmp = new TempDir("cancel");
        var path = tmp.File("ck.safetensors");
        using var cts = new CancellationTokenSource();
        var reports = new List<DaClipTrainingProgress>();
        var progress = new SyncProgress(p =>
        {
            reports.Add(p);
            if (p.Phase == "train" && p.Epoch == 2 && p.Step == 1) cts.Cancel();
        });
        var trainer = NewTrainer(Quick(epochs: 3, checkpoint: path));
        Assert.ThrowsExactly<OperationCanceledException>(() => trainer.Train(SmallModels.ToyData(12, seed: 4), progress, cts.Token));
        Assert.AreEqual(1, DaClipCheckpoint.ReadInfo(path).EpochsCompleted);
        Assert.AreEqual(0, Directory.GetFiles(tmp.Path, "*.tmp", SearchOption.AllDirectories).Length, "no temp file left");

        var feature = reports.First(r => r.Phase == "features");
        Assert.AreEqual(12, feature.StepsPerEpoch);
        var step = reports.First(r => r.Phase == "train");
        Assert.AreEqual(3, step.StepsPerEpoch);
        Assert.AreEqual(3, step.Epochs);
        Assert.IsTrue(step.Loss > 0 && step.ImagesPerSecond > 0);
        Assert.AreEqual(step.Loss, 4 * (step.Focal + step.Dice) + step.CrossEntropy, 1e-3 * step.Loss, "λ (focal + dice) + ce when every image has a mask");

        // The checkpoint loads into a fresh network and restores the same weights.
        var fresh = NewTrainer(Quick());
        DaClipCheckpoint.Load(path, fresh.Network);
        var reloaded = Weights(fresh.Network);
        var epoch1 = NewTrainer(Quick(epochs: 1));
        epoch1.Train(SmallModels.ToyData(12, seed: 4));
        AssertBitIdentical(Weights(epoch1.Network), reloaded);
    }

    [TestMethod]
    public void Anomalous_images_without_masks_train_on_the_image_loss_and_warn_once()
    {
        var log = new List<string>();
        var trainer = NewTrainer(Quick(epochs: 1), log: log);
        trainer.Train(SmallModels.ToyData(16, seed: 5, dropSomeMasks: true));
        Assert.AreEqual(1, log.Count(l => l.Contains("no mask")));
    }

    [TestMethod]
    public void Loss_of_an_image_without_a_mask_is_its_cross_entropy()
    {
        var trainer = NewTrainer(Quick(epochs: 1));
        var net = trainer.Network;
        using var scope = torch.NewDisposeScope();
        var data = SmallModels.ToyData(2, seed: 6);
        var px = torch.tensor(data.Get(0).Pixels.Concat(data.Get(1).Pixels).ToArray(), [2, 3, 32, 32]);
        using var v = net.EncodeVisual(px);
        using var t = net.EncodeText();
        var o = net.Forward(v, t, false);
        var masks = torch.zeros(2, 32, 32);
        var labels = torch.tensor(new long[] { 0, 1 });
        var loss = DaClipLoss.Compute(net.Head, o.LocalMaps, o.GlobalMaps, o.GlobalLogits, masks, torch.tensor(new[] { true, false }), labels, 4.0);
        var ce = loss.CrossEntropyPerImage.data<float>().ToArray();
        var withMask = DaClipLoss.Compute(net.Head, o.LocalMaps.narrow(0, 0, 1), o.GlobalMaps.narrow(0, 0, 1), o.GlobalLogits.narrow(0, 0, 1), masks.narrow(0, 0, 1), torch.tensor(new[] { true }), labels.narrow(0, 0, 1), 4.0);
        Assert.AreEqual((withMask.Total.item<float>() + ce[1]) / 2, loss.Total.item<float>(), 1e-6);
    }

    [TestMethod]
    public void Bad_options_and_inputs_are_named()
    {
        var e = Assert.ThrowsExactly<DaClipOptionException>(() => NewTrainer(Quick() with { Epochs = 0 }));
        StringAssert.Contains(e.Message, "Epochs");
        var e2 = Assert.ThrowsExactly<DaClipOptionException>(() => NewTrainer(Quick() with { Device = "tpu:0" }));
        StringAssert.Contains(e2.Message, "tpu:0");
        Assert.AreEqual("Device", e2.ParamName);
        var trainer = NewTrainer(Quick(epochs: 1));
        var wrong = new InMemoryTrainingSet([new TrainingExample(new float[3 * 16 * 16], null, false)]);
        var e3 = Assert.ThrowsExactly<DaClipException>(() => trainer.Train(wrong));
        StringAssert.Contains(e3.Message, "32x32");
        Assert.ThrowsExactly<DaClipException>(() => trainer.Train(new InMemoryTrainingSet([])));
    }

    /// <summary>An IProgress that reports synchronously (Progress&lt;T&gt; posts to the thread pool).</summary>
    private sealed class SyncProgress(Action<DaClipTrainingProgress> action) : IProgress<DaClipTrainingProgress>
    {
        public void Report(DaClipTrainingProgress value) => action(value);
    }
}
