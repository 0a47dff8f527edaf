using DaClip.MLNet.Metrics;
using DaClip.MLNet.Tests.Infrastructure;
using DaClip.MLNet.Training;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;

namespace DaClip.MLNet.Tests.Training;

/// <summary>
/// Both heads learn when the frozen features carry the signal: a control for the benchmark finding that, with the
/// random tiny backbone, the image-level head cannot separate small synthetic defects (docs/benchmarks.md).
/// </summary>
[TestClass]
public sealed class LearningSignalTests
{
    public TestContext TestContext { get; set; } = null!;

    /// <summary>Anomalous images are globally brighter (a signal any random patch embedding keeps) with a bright square as mask.</summary>
    private static InMemoryTrainingSet GlobalShiftData(int count, int seed)
    {
        var rng = new Random(seed);
        const int side = 32;
        var list = new List<TrainingExample>();
        for (int i = 0; i < count; i++)
        {
            bool anomalous = i % 2 == 1;
            var px = new float[3 * side * side];
            float baseLevel = anomalous ? 0.7f : 0.3f;
            for (int j = 0; j < px.Length; j++) px[j] = baseLevel + 0.1f * (float)rng.NextDouble();
            byte[]? mask = null;
            if (anomalous)
            {
                mask = new byte[side * side];
                int x0 = rng.Next(side - 8), y0 = rng.Next(side - 8);
                for (int y = y0; y < y0 + 8; y++)
                    for (int x = x0; x < x0 + 8; x++)
                    {
                        mask[y * side + x] = 1;
                        for (int c = 0; c < 3; c++) px[c * side * side + y * side + x] = 1f;
                    }
            }
            list.Add(new TrainingExample(px, mask, anomalous));
        }
        return new InMemoryTrainingSet(list);
    }

    [TestMethod]
    public void Image_and_pixel_heads_learn_a_signal_the_features_carry()
    {
        var options = SmallModels.Options;
        var trainer = DaClipTrainer.Create(SmallModels.Backbone(), SmallModels.Prompts(options), options,
            new DaClipTrainingOptions { Epochs = 4, BatchSize = 8, Seed = 5, FeatureCache = FeatureCacheMode.Memory, LearningRate = 3e-3 });
        var ce = new List<double>();
        trainer.Train(GlobalShiftData(24, seed: 1), new Sync(p => { if (p.Phase == "train") ce.Add(p.CrossEntropy); }));
        double first = ce.Take(4).Average(), last = ce.TakeLast(4).Average();
        Assert.IsTrue(last < 0.5 * first, $"image cross-entropy {first:F3} → {last:F3}");

        var test = GlobalShiftData(16, seed: 2);
        var scores = new float[test.Count];
        var labels = new bool[test.Count];
        using (var scope = torch.NewDisposeScope())
        {
            var pixels = torch.tensor(Enumerable.Range(0, test.Count).SelectMany(i => test.Get(i).Pixels).ToArray(), [test.Count, 3, 32, 32]);
            using var p = trainer.Network.Predict(pixels);
            p.Score.data<float>().CopyTo(scores, 0);
        }
        for (int i = 0; i < test.Count; i++) labels[i] = test.Get(i).Label;
        double auroc = BinaryRankingMetrics.Auroc(scores, labels);
        TestContext.WriteLine($"image cross-entropy {first:F3} → {last:F3}; image AUROC {auroc:F3}");
        Assert.IsTrue(auroc > 0.95, $"image AUROC {auroc:F3}");
    }

    private sealed class Sync(Action<DaClipTrainingProgress> action) : IProgress<DaClipTrainingProgress>
    {
        public void Report(DaClipTrainingProgress value) => action(value);
    }
}
