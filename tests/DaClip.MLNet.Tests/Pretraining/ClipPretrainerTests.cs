using DaClip.MLNet.Training.Clip;
using DaClip.MLNet.Training.Clip.Text;
using DaClip.MLNet.Training.Pretraining;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Pretraining;

[TestClass]
public class ClipPretrainerTests
{
    /// <summary>A CLIP small enough to pretrain in a second: 1 block of width 64 per tower, 32 px.</summary>
    private static ClipPretrainingOptions Small(string? checkpoint = null, int epochs = 2) => new()
    {
        Config = new ClipConfig(32, 32, 1, 64, 8, 24, WordTokenizer.ForCorpus().VocabSize, 64, 1),
        Images = 64,
        ValidationImages = 32,
        Epochs = epochs,
        BatchSize = 16,
        WarmupSteps = 2,
        LearningRate = 2e-3,
        CheckpointPath = checkpoint,
    };

    private static Dictionary<string, float[]> Weights(ClipModel m) =>
        m.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().data<float>().ToArray());

    [TestMethod]
    public void DeterministicAndResumesToTheSameWeights()
    {
        var dir = Directory.CreateTempSubdirectory("daclip-pretrain-");
        try
        {
            using var a = ClipPretrainer.Create(Small());
            var ra = a.Train();
            using var b = ClipPretrainer.Create(Small());
            b.Train();
            var wa = Weights(a.Model);
            foreach (var (name, w) in Weights(b.Model)) CollectionAssert.AreEqual(wa[name], w, name);

            var ckpt = Path.Combine(dir.FullName, "p.safetensors");
            using (var first = ClipPretrainer.Create(Small(ckpt)))
            {
                // Stop after the first epoch by cancelling at the first step of the second.
                using var cts = new CancellationTokenSource();
                var progress = new Progress(p => { if (p.Phase == "train" && p.Epoch == 2) cts.Cancel(); });
                Assert.ThrowsExactly<OperationCanceledException>(() => first.Train(progress, cts.Token));
            }
            using var resumed = ClipPretrainer.Create(Small(ckpt));
            var rr = resumed.Train(resumeFrom: ckpt);
            Assert.AreEqual(2, rr.EpochsCompleted);
            Assert.HasCount(1, rr.EpochLosses);
            foreach (var (name, w) in Weights(resumed.Model)) CollectionAssert.AreEqual(wa[name], w, name);
            Assert.AreEqual(ra.EpochLosses[1], rr.EpochLosses[0], 0.0);

            using var other = ClipPretrainer.Create(Small(ckpt) with { Seed = 5 });
            Assert.ThrowsExactly<DaClipFileFormatException>(() => other.Train(resumeFrom: ckpt));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [TestMethod]
    public void LossFallsAndTheLogitScaleStaysClamped()
    {
        using var p = ClipPretrainer.Create(Small(epochs: 4) with { LearningRate = 5e-2, WarmupSteps = 0 });
        using (TorchSharp.torch.no_grad()) p.Model.LogitScale.fill_(Math.Log(150.0));
        var r = p.Train();
        Assert.IsLessThanOrEqualTo(Math.Log(ClipPretrainingOptions.MaxLogitScale) + 1e-6, p.Model.LogitScale.item<float>());
        using var q = ClipPretrainer.Create(Small(epochs: 4));
        var rq = q.Train();
        Assert.IsLessThan(rq.EpochLosses[0] - 0.05, rq.EpochLosses[^1], "InfoNCE falls on a small batch");
        Assert.HasCount(4, rq.Retrieval);
        Assert.AreEqual(32, rq.Retrieval[0].Pairs);
    }

    [TestMethod]
    public void WarmUpThenCosineDecay()
    {
        using var p = ClipPretrainer.Create(Small() with { WarmupSteps = 10, LearningRate = 1e-3 });
        Assert.AreEqual(1e-4, p.LearningRateAt(0, 110), 1e-12);
        Assert.AreEqual(1e-3, p.LearningRateAt(9, 110), 1e-12);
        Assert.AreEqual(1e-3, p.LearningRateAt(10, 110), 1e-12);
        Assert.AreEqual(0.5e-3, p.LearningRateAt(60, 110), 1e-12);
        Assert.AreEqual(0.0, p.LearningRateAt(110, 110), 1e-12);
        Assert.ThrowsExactly<DaClipException>(() => ClipPretrainer.Create(Small() with { BatchSize = 1 }));
        Assert.ThrowsExactly<DaClipException>(() => ClipPretrainer.Create(Small() with { Config = ClipConfig.Tiny }));
    }

    [TestMethod]
    public void HardNegativePairsShareABatchAndNeedEvenSizes()
    {
        using var p = ClipPretrainer.Create(Small() with { HardNegatives = true });
        Assert.IsFalse(new ClipPretrainingOptions().HardNegatives, "the shipped mini's setting stays the default");
        for (int epoch = 0; epoch < 3; epoch++)
        {
            var order = p.EpochOrder(epoch, 64);
            CollectionAssert.AreEquivalent(Enumerable.Range(0, 64).ToArray(), order);
            for (int i = 0; i < order.Length; i += 2)
            {
                Assert.AreEqual(0, order[i] % 2, "the flawless half comes first");
                Assert.AreEqual(order[i] + 1, order[i + 1], "the defective half follows it in the same batch");
            }
        }
        CollectionAssert.AreNotEqual(p.EpochOrder(0, 64), p.EpochOrder(1, 64), "each epoch shuffles the pairs anew");
        using var unpaired = ClipPretrainer.Create(Small() with { HardNegatives = false });
        Assert.IsTrue(Enumerable.Range(0, 32).Any(i => unpaired.EpochOrder(0, 64)[2 * i] % 2 != 0));
        Assert.ThrowsExactly<DaClipException>(() => ClipPretrainer.Create(Small() with { HardNegatives = true, Images = 63 }));
        Assert.ThrowsExactly<DaClipException>(() => ClipPretrainer.Create(Small() with { HardNegatives = true, BatchSize = 15 }));
        StringAssert.Contains(p.Options.Describe(), "hard_negatives=true");
        Assert.IsFalse(unpaired.Options.Describe().Contains("hard_negatives", StringComparison.Ordinal), "the default's provenance string is unchanged");
    }

    private sealed class Progress(Action<ClipPretrainingProgress> onReport) : IProgress<ClipPretrainingProgress>
    {
        public void Report(ClipPretrainingProgress value) => onReport(value);
    }
}
