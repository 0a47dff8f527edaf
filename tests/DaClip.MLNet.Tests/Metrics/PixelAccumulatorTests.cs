using DaClip.MLNet.Metrics;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Metrics;

/// <summary>The accumulators behind the evaluator against the one-shot table of the same pixels.</summary>
[TestClass]
public sealed class PixelAccumulatorTests
{
    [TestMethod]
    public void ExactAccumulatorAcrossManyChunksEqualsTheOneShotTable()
    {
        // 4.2M pixels: four sorted 1M-key chunks plus a partial one, with ties across chunks (12-bit quantised scores).
        const int images = 4, height = 1024, width = 1030, n = height * width;
        var random = new Random(17);
        var accumulator = new ExactPixelScores();
        var scores = new float[images * n];
        var ids = new int[images * n];
        var labels = new int[n];
        int regions = 0;
        for (int i = 0; i < images; i++)
        {
            var map = new float[n];
            var mask = new byte[n];
            for (int b = 0; b < 3; b++)
            {
                int y = random.Next(height - 40), x = random.Next(width - 40);
                for (int dy = 0; dy < 40; dy++) for (int dx = 0; dx < 30; dx++) mask[(y + dy) * width + x + dx] = 1;
            }
            for (int p = 0; p < n; p++) map[p] = (random.Next(4096) - 1000) / 1024f + (mask[p] != 0 ? 0.5f : 0f);
            int count = ConnectedComponents.Label8(mask, height, width, labels);
            accumulator.Add(map, labels, ConnectedComponents.RegionSizes(labels, count));
            map.CopyTo(scores, i * n);
            for (int p = 0; p < n; p++) ids[i * n + p] = labels[p] == 0 ? 0 : labels[p] + regions;
            regions += count;
        }
        AssertSameTable(ScoreLevelTable.FromPixels(scores, ids), accumulator.ToTable());
        AssertSameTable(ScoreLevelTable.FromPixels(scores, ids), accumulator.ToTable());
    }

    [TestMethod]
    public void HistogramBinsHoldTheirScoresAndKeepTheTotals()
    {
        var samples = SyntheticSegmentationData.Create(6, 48, 40, seed: 21);
        foreach (int bits in new[] { 4, 10, 16 })
        {
            var exact = new ExactPixelScores();
            var histogram = new HistogramPixelScores(bits);
            var labels = new int[48 * 40];
            foreach (var s in samples)
            {
                int count = s.Mask is null ? 0 : ConnectedComponents.Label8(s.Mask, 48, 40, labels);
                var sizes = count == 0 ? [] : ConnectedComponents.RegionSizes(labels, count);
                exact.Add(s.AnomalyMap, count == 0 ? [] : labels, sizes);
                histogram.Add(s.AnomalyMap, count == 0 ? [] : labels, sizes);
            }
            var e = exact.ToTable();
            var h = histogram.ToTable();
            Assert.IsNull(e.BinMantissaBits);
            Assert.AreEqual(bits, h.BinMantissaBits);
            Assert.AreEqual(e.NegativeCount, h.NegativeCount);
            Assert.AreEqual(e.PositiveCount, h.PositiveCount);
            Assert.AreEqual(e.RegionCount, h.RegionCount);
            Assert.AreEqual(e.MinScore, h.MinScore, "exact extremes survive binning");
            Assert.AreEqual(e.MaxScore, h.MaxScore);
            Assert.IsTrue(h.Count <= e.Count);
            // Every exact level falls in the bin whose lower bound is the largest one not above it, and bins add up.
            int bin = 0;
            long negatives = 0, positives = 0;
            for (int level = 0; level < e.Count; level++)
            {
                while (h.Scores[bin] > e.Scores[level]) { CheckBin(bin); bin++; }
                negatives += e.Negatives[level];
                positives += e.Positives[level];
            }
            CheckBin(bin);
            Assert.AreEqual(h.Count - 1, bin);

            void CheckBin(int b)
            {
                Assert.AreEqual(h.Negatives[b], negatives, $"{bits} bits, bin {b}: negatives");
                Assert.AreEqual(h.Positives[b], positives, $"{bits} bits, bin {b}: positives");
                negatives = positives = 0;
            }
        }
    }

    [TestMethod]
    public void RadixSortSortsWithALongerScratch()
    {
        var random = new Random(3);
        foreach (int n in new[] { 0, 1, 100, 5000, 70000 })
        {
            var keys = Enumerable.Range(0, n).Select(_ => (uint)random.NextInt64(0, 1L << 32) & (n % 2 == 0 ? 0xFFFF_FFFFu : 0x00FF_FF00u)).ToArray();
            var expected = keys.OrderBy(k => k).ToArray();
            RadixSort.Sort(keys, new uint[n + 123]);
            CollectionAssert.AreEqual(expected, keys, $"n = {n}");
        }
    }

    private static void AssertSameTable(ScoreLevelTable expected, ScoreLevelTable actual)
    {
        Assert.AreEqual(expected.Count, actual.Count, "levels");
        Assert.IsTrue(expected.Scores.SequenceEqual(actual.Scores), "scores");
        Assert.IsTrue(expected.Negatives.SequenceEqual(actual.Negatives), "negatives");
        Assert.IsTrue(expected.Positives.SequenceEqual(actual.Positives), "positives");
        Assert.IsTrue(expected.RegionFractions.SequenceEqual(actual.RegionFractions), "region fractions");
        Assert.AreEqual(expected.RegionCount, actual.RegionCount, "regions");
        for (int r = 0; r < expected.RegionCount; r++)
        {
            Assert.AreEqual(expected.GetRegionSize(r), actual.GetRegionSize(r));
            Assert.IsTrue(expected.GetRegionLevels(r).SequenceEqual(actual.GetRegionLevels(r)), $"region {r} levels");
            Assert.IsTrue(expected.GetRegionLevelCounts(r).SequenceEqual(actual.GetRegionLevelCounts(r)), $"region {r} counts");
        }
        Assert.AreEqual(expected.MinScore, actual.MinScore);
        Assert.AreEqual(expected.MaxScore, actual.MaxScore);
    }
}
