using DaClip.MLNet.Metrics;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Metrics;

/// <summary>
/// <see cref="ProAnomalib"/> (normal groups shared across regions, regions merged in) against a literal transcription of
/// anomalib's loop on raw pixels: a full torchmetrics-style ROC of (normal pixels + region) per region, on small sets
/// with heavy ties, scores outside [0, 1] (sigmoid) and tiny regions.
/// </summary>
[TestClass]
public sealed class AnomalibLiteralTests
{
    [TestMethod]
    [DataRow(1, 6, 1.0f, 0f), DataRow(2, 40, 1.0f, 0f), DataRow(3, 100000, 1.0f, 0f), DataRow(4, 12, 9f, -3f), DataRow(5, 100000, 40f, -20f), DataRow(6, 3, 1.0f, 0f)]
    public void MatchesTheLiteralAlgorithm(int seed, int levels, float scale, float offset)
    {
        var random = new Random(seed);
        const int images = 5, height = 14, width = 11, n = height * width;
        var scores = new float[images * n];
        var ids = new int[images * n];
        var labels = new int[n];
        int regions = 0;
        for (int i = 0; i < images; i++)
        {
            var mask = new byte[n];
            for (int b = 0; b < 1 + i % 3; b++)
            {
                int y = random.Next(height - 3), x = random.Next(width - 3);
                for (int dy = 0; dy < 1 + random.Next(3); dy++)
                    for (int dx = 0; dx < 1 + random.Next(3); dx++)
                        mask[(y + dy) * width + x + dx] = 1;
            }
            int count = ConnectedComponents.Label8(mask, height, width, labels);
            for (int p = 0; p < n; p++)
            {
                ids[i * n + p] = labels[p] == 0 ? 0 : labels[p] + regions;
                float u = random.Next(levels) / (float)levels + (mask[p] != 0 ? 0.25f * (float)random.NextDouble() : 0f);
                scores[i * n + p] = u * scale + offset;
            }
            regions += count;
        }
        double literal = Literal(scores, ids, regions, 0.3f);
        double ours = ProAnomalib.Area(ScoreLevelTable.FromPixels(scores, ids));
        Console.WriteLine($"literal {literal:R} ours {ours:R}");
        Assert.AreEqual(literal, ours, 1e-6);
    }

    [TestMethod]
    public void MatchesWhenTheFirstNormalStepJumpsPastTheLimit()
    {
        // 40 % of the normal pixels share the top normal score, so every region's ROC has no point with 0 < FPR <= 0.3
        // (anomalib's edge case), and region scores between that score and the next normal score add points that tie
        // with the first FPR beyond the limit (the kept positions are then not sorted).
        var random = new Random(12);
        const int n = 400;
        var scores = new float[n];
        var ids = new int[n];
        for (int p = 0; p < n; p++) scores[p] = p < 160 ? 0.9f : 0.5f * (float)random.NextDouble();
        int[][] regions = [[0, 1, 2], [3, 4], [5]];
        for (int r = 0; r < regions.Length; r++)
            foreach (int offset in regions[r])
            {
                int p = 200 + 10 * offset;
                ids[p] = r + 1;
                scores[p] = offset % 2 == 0 ? 0.95f : 0.7f - 0.01f * offset;
            }
        double literal = Literal(scores, ids, regions.Length, 0.3f);
        double ours = ProAnomalib.Area(ScoreLevelTable.FromPixels(scores, ids));
        Console.WriteLine($"literal {literal:R} ours {ours:R}");
        Assert.AreEqual(literal, ours, 1e-6);
    }

    private static double Literal(float[] preds, int[] cca, int regions, float limit)
    {
        var (globalFpr, _) = BinaryRoc(preds, cca.Select(c => c != 0).ToArray());
        int outputSize = globalFpr.Count(f => f <= limit);
        var tpr = new float[outputSize];
        var fpr = new float[outputSize];
        var newIdx = Enumerable.Range(0, outputSize).Select(i => (float)i).ToArray();
        for (int label = 1; label <= regions; label++)
        {
            bool interp = false;
            newIdx[^1] = outputSize - 1;
            var subset = Enumerable.Range(0, preds.Length).Where(p => cca[p] == 0 || cca[p] == label).ToArray();
            var (f, t) = BinaryRoc(subset.Select(p => preds[p]).ToArray(), subset.Select(p => cca[p] == label).ToArray());
            float fprLimit = f.Where(v => v <= limit).Max() == 0 ? f.Where(v => v > limit).Min() : limit;
            var idx = Enumerable.Range(0, f.Length).Where(i => f[i] <= fprLimit).ToList();
            float slope = 0;
            if (!(MathF.Abs(idx.Max(i => f[i]) - limit) <= 1e-8f + 1e-5f * limit))
            {
                int tmp = 0;
                while (f[tmp] < limit) tmp++;
                idx.Add(tmp);
                slope = 1 - ((f[tmp] - limit) / (f[tmp] - f[tmp - 1]));
                interp = true;
            }
            var x = idx.Select(i => (float)i).ToArray();
            float max = x.Max(), gridMax = newIdx.Max();
            for (int i = 0; i < x.Length; i++) x[i] = x[i] / max * gridMax;
            if (interp) newIdx[^1] = x[^2] + ((x[^1] - x[^2]) * slope);
            var ti = Interp(x, idx.Select(i => t[i]).ToArray(), newIdx);
            var fi = Interp(x, idx.Select(i => f[i]).ToArray(), newIdx);
            for (int j = 0; j < outputSize; j++) { tpr[j] += ti[j]; fpr[j] += fi[j]; }
        }
        for (int j = 0; j < outputSize; j++) { tpr[j] /= regions; fpr[j] /= regions; }
        var order = Enumerable.Range(0, outputSize).OrderBy(j => fpr[j]).ToArray();
        double sum = 0;
        for (int k = 0; k + 1 < outputSize; k++)
            sum += (tpr[order[k + 1]] + tpr[order[k]]) * (fpr[order[k + 1]] - fpr[order[k]]);
        return (float)sum / 2f / fpr[^1];
    }

    private static (float[] Fpr, float[] Tpr) BinaryRoc(float[] preds, bool[] target)
    {
        if (preds.Any(p => p < 0 || p > 1)) preds = preds.Select(p => 1f / (MathF.Exp(0f - p) + 1f)).ToArray();
        var order = Enumerable.Range(0, preds.Length).OrderByDescending(i => preds[i]).ToArray();
        var fps = new List<float> { 0 };
        var tps = new List<float> { 0 };
        long fp = 0, tp = 0;
        for (int k = 0; k < order.Length; k++)
        {
            if (target[order[k]]) tp++; else fp++;
            if (k + 1 < order.Length && preds[order[k + 1]] == preds[order[k]]) continue;
            fps.Add(fp);
            tps.Add(tp);
        }
        return (fps.Select(v => v / fps[^1]).ToArray(), tps.Select(v => v / tps[^1]).ToArray());
    }

    private static float[] Interp(float[] oldX, float[] oldY, float[] newX)
    {
        const float eps = 1.1920929e-07f;
        var result = new float[newX.Length];
        for (int j = 0; j < newX.Length; j++)
        {
            int start = 0, end = oldX.Length;
            while (start < end)
            {
                int mid = start + ((end - start) >> 1);
                if (!(oldX[mid] >= newX[j])) start = mid + 1; else end = mid;
            }
            int i = Math.Clamp(start - 1, 0, oldX.Length - 2);
            float slope = (oldY[i + 1] - oldY[i]) / (eps + (oldX[i + 1] - oldX[i]));
            result[j] = oldY[i] + slope * (newX[j] - oldX[i]);
        }
        return result;
    }
}
