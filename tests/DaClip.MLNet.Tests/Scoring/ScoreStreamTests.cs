using DaClip.MLNet.Imaging;
using DaClip.MLNet.Scoring;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Scoring;

/// <summary>
/// <see cref="DaClipOnnxScorer.ScoreStream(IEnumerable{RgbImage}, int?, IProgress{int}?, CancellationToken)"/>: lazy,
/// bounded (an instrumented source counts the images taken but not yet returned), in order, with the numbers of
/// <c>Score</c>, progress and cancellation.
/// </summary>
[TestClass]
public sealed class ScoreStreamTests
{
    public TestContext TestContext { get; set; } = null!;

    private static DaClipScorerOptions Cpu => new() { Provider = ExecutionProvider.Cpu, IntraOpThreads = 1, MaxDecodeParallelism = 2 };

    /// <summary>A uniform grey image whose level encodes its index, so every prediction can be checked exactly.</summary>
    private static RgbImage Grey(int index, int width, int height)
    {
        var samples = new ushort[width * height * 3];
        Array.Fill(samples, (ushort)(257 * (index % 251)));
        return new RgbImage(width, height, samples);
    }

    /// <summary>Counts the images handed out; the scorer may only take a bounded number ahead of what it returned.</summary>
    private sealed class CountingSource(int count, int width, int height)
    {
        public int Taken { get; private set; }

        public IEnumerable<RgbImage> Images()
        {
            for (int i = 0; i < count; i++)
            {
                Taken++;
                yield return Grey(i, width, height);
            }
        }
    }

    [TestMethod]
    public void Two_thousand_images_stream_with_bounded_images_in_flight_and_flat_memory()
    {
        const int Count = 2000, Side = 128, BatchSize = 4;
        var model = FakeDaClipModel.Build(Side, 8, 0.5f).ToBytes();
        using var scorer = new DaClipOnnxScorer(model, Cpu);
        int group = BatchSize * scorer.ConcurrentBatches;
        var source = new CountingSource(Count, Side, Side);
        long mapBytes = (long)Side * Side * sizeof(float);

        GC.Collect();
        GC.WaitForPendingFinalizers();
        long baseline = GC.GetTotalMemory(forceFullCollection: true);
        long peak = 0;
        int returned = 0, maxInFlight = 0;
        var reports = new List<int>();
        foreach (var p in scorer.ScoreStream(source.Images(), BatchSize, new SyncProgress(reports.Add)))
        {
            maxInFlight = Math.Max(maxInFlight, source.Taken - returned);
            Assert.AreEqual("#" + returned, p.Source, "input order");
            float level = 257 * (returned % 251) / 65535f;
            Assert.AreEqual(level, p.Score, 1e-4, $"score of image {returned} (neighbouring images differ by 3.9e-3)");
            Assert.AreEqual(Side * Side, p.AnomalyMap.Length);
            returned++;
            if (returned % 250 == 0) peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true) - baseline);
        }

        Assert.AreEqual(Count, returned);
        Assert.AreEqual(Count, source.Taken);
        Assert.IsLessThanOrEqualTo(group, maxInFlight, "images taken from the source ahead of the predictions returned");
        Assert.IsGreaterThan(0, maxInFlight);
        CollectionAssert.AreEqual(Enumerable.Range(1, Count / group).Select(k => k * group).ToArray(), reports.ToArray(), "progress after each group");
        // Keeping every map (ScoreBatch of the whole list) would hold Count x 64 KiB = 125 MiB; the stream holds one group.
        long bound = 32L << 20;
        Assert.IsLessThan(Count * mapBytes, bound, "the bound separates streaming from keeping every map");
        Assert.IsLessThan(bound, peak, $"peak managed memory above the baseline while streaming: {peak / 1048576.0:F1} MiB");
        TestContext.WriteLine($"streamed {Count} images of {Side} x {Side}: at most {maxInFlight} in flight (group {group}), peak managed memory above baseline {peak / 1048576.0:F2} MiB " +
            $"(all maps kept would be {Count * mapBytes / 1048576.0:F0} MiB)");
    }

    [TestMethod]
    public void Stream_is_lazy_equals_Score_and_stops_on_cancellation()
    {
        const int Side = 16;
        var model = FakeDaClipModel.Build(Side, 4, 0.5f).ToBytes();
        using var scorer = new DaClipOnnxScorer(model, Cpu);
        var images = Enumerable.Range(0, 11).Select(i => Grey(7 * i, 20 + i, 12 + 2 * i)).ToList();
        var expected = scorer.Score(images, 2);

        var source = new CountingSource(11, 20, 12);
        var stream = scorer.ScoreStream(source.Images(), 2);
        Assert.AreEqual(0, source.Taken, "nothing is read before enumeration");
        using (var e = stream.GetEnumerator())
        {
            Assert.IsTrue(e.MoveNext());
            Assert.AreEqual(2 * scorer.ConcurrentBatches, source.Taken, "the first group only");
        }

        var streamed = scorer.ScoreStream(images, 2).ToList();
        Assert.AreEqual(11, streamed.Count);
        for (int i = 0; i < 11; i++)
        {
            Assert.AreEqual(expected[i].Score, streamed[i].Score, $"score {i}");
            CollectionAssert.AreEqual(expected[i].AnomalyMap, streamed[i].AnomalyMap, $"map {i}");
        }

        using var cts = new CancellationTokenSource();
        int seen = 0;
        Assert.ThrowsExactly<OperationCanceledException>(() =>
        {
            foreach (var _ in scorer.ScoreStream(images, 2, cancellation: cts.Token))
                if (++seen == 5) cts.Cancel();
        });
        Assert.AreEqual(5, seen, "no prediction after the cancellation");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => scorer.ScoreStream(images, 0), "arguments are checked when called, not when enumerated");
    }

    /// <summary>Reports on the calling thread (<see cref="Progress{T}"/> would post to the thread pool).</summary>
    private sealed class SyncProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}
