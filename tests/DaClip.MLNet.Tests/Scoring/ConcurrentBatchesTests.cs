using DaClip.MLNet.Imaging;
using DaClip.MLNet.Scoring;
using DaClip.MLNet.Tests.Export;
using DaClip.MLNet.Training.Export;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Scoring;

/// <summary><see cref="DaClipScorerOptions.ConcurrentBatches"/>: batches run at once give the results of batches run one by one, in order.</summary>
[TestClass]
public sealed class ConcurrentBatchesTests
{
    [TestMethod]
    public void Concurrent_batches_score_like_sequential_ones_in_input_order()
    {
        using var net = DaClipExportHarness.TrainedSmallNetwork();
        var model = DaClipOnnxExporter.ExportToBytes(net, new DaClipExportOptions { Precision = OnnxPrecision.Int8 });
        var rng = new Random(3);
        var images = Enumerable.Range(0, 7).Select(_ =>
        {
            var samples = new ushort[3 * 32 * 32];
            for (int i = 0; i < samples.Length; i++) samples[i] = (ushort)rng.Next(65536);
            return new RgbImage(32, 32, samples, 16);
        }).ToList();
        DaClipScorerOptions Options(int k) => new() { Provider = ExecutionProvider.Cpu, IntraOpThreads = 1, ConcurrentBatches = k, Log = _ => { } };
        using var sequential = new DaClipOnnxScorer(model, Options(1));
        using var concurrent = new DaClipOnnxScorer(model, Options(3));
        Assert.AreEqual(3, concurrent.ConcurrentBatches);
        foreach (int batch in new[] { 1, 2 })
        {
            var a = sequential.Score(images, batch);
            var b = concurrent.Score(images, batch);
            CollectionAssert.AreEqual(a.Select(p => p.Source).ToArray(), b.Select(p => p.Source).ToArray(), "input order");
            CollectionAssert.AreEqual(a.Select(p => p.Score).ToArray(), b.Select(p => p.Score).ToArray(), $"scores at batch {batch}");
            for (int i = 0; i < a.Count; i++) CollectionAssert.AreEqual(a[i].AnomalyMap, b[i].AnomalyMap, $"map {i} at batch {batch}");
        }
        Assert.AreEqual(DaClipScorerOptions.DefaultConcurrentBatches, new DaClipScorerOptions().ConcurrentBatches);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new DaClipOnnxScorer(model, Options(0)));
    }
}
