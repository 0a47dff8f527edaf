using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.MLNet;

[TestClass]
public class DaClipThresholdsTests
{
    [TestMethod]
    public void ForFalsePositiveRate_IsTheSmallestThresholdWithinTheRate()
    {
        var rng = new Random(3);
        for (int trial = 0; trial < 200; trial++)
        {
            int n = 1 + rng.Next(40);
            var scores = Enumerable.Range(0, n).Select(_ => (float)Math.Round(rng.NextDouble(), trial % 2 == 0 ? 2 : 6)).ToArray();
            double rate = rng.Next(6) == 0 ? 1 : rng.NextDouble() * 0.5;
            float t = DaClipThresholds.ForFalsePositiveRate(scores, rate);
            int allowed = (int)Math.Floor(rate * n + 1e-9);
            int flagged = scores.Count(s => s > t);
            Assert.IsTrue(flagged <= allowed, $"trial {trial}: {flagged} flagged, {allowed} allowed");
            var lower = scores.Where(s => s < t).DefaultIfEmpty(float.NaN).Max();
            if (!float.IsNaN(lower)) Assert.IsTrue(scores.Count(s => s > lower) > allowed, $"trial {trial}: a lower threshold would also do");
            if (allowed >= n) Assert.AreEqual(n, flagged);
        }
        Assert.AreEqual(0.7f, DaClipThresholds.ForFalsePositiveRate([0.1f, 0.9f, 0.7f, 0.3f], 0.25));
        Assert.AreEqual(0.9f, DaClipThresholds.ForFalsePositiveRate([0.1f, 0.9f, 0.7f, 0.3f], 0.2));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => DaClipThresholds.ForFalsePositiveRate([0.5f], 1.5));
        Assert.ThrowsExactly<ArgumentException>(() => DaClipThresholds.ForFalsePositiveRate([float.NaN], 0.1));
    }

    [TestMethod]
    public void MaxF1_MatchesABruteForceSearchOverAllCuts()
    {
        var rng = new Random(5);
        for (int trial = 0; trial < 200; trial++)
        {
            int n = 2 + rng.Next(30);
            var scores = Enumerable.Range(0, n).Select(_ => (float)Math.Round(rng.NextDouble(), 1 + trial % 3)).ToArray();
            var labels = Enumerable.Range(0, n).Select(i => i == 0 || rng.Next(3) == 0).ToArray();
            var (t, f1) = DaClipThresholds.MaxF1(scores, labels);

            double F1At(float threshold)
            {
                int tp = 0, fp = 0, fn = 0;
                for (int i = 0; i < n; i++)
                {
                    bool p = scores[i] > threshold;
                    if (p && labels[i]) tp++;
                    else if (p) fp++;
                    else if (labels[i]) fn++;
                }
                return 2.0 * tp / (2 * tp + fp + fn);
            }
            double best = scores.Distinct().Select(s => F1At(MathF.BitDecrement(s))).Max();
            Assert.AreEqual(best, f1, 1e-12, $"trial {trial}");
            Assert.AreEqual(best, F1At(t), 1e-12, $"trial {trial}: the returned threshold reaches the best F1");
        }
    }
}
