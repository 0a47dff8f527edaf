using DaClip.MLNet.Metrics;
using DaClip.MLNet.Scoring;

namespace DaClip.Cli.Bench;

/// <summary>
/// How far one model's outputs are from a reference's on the same images: the largest |difference| of each output and
/// the per-image Pearson correlation of the anomaly maps (min and mean).
/// </summary>
internal sealed record InferenceComparison(int Images, double ScoreMaxAbsDiff, double MapMaxAbsDiff, double GlobalProbMaxAbsDiff,
    double PatchMapMaxAbsDiff, double MapPearsonMin, double MapPearsonMean)
{
    /// <summary>The outputs of one image compared here, from ONNX Runtime or from the TorchSharp reference.</summary>
    public sealed record Outputs(float Score, float GlobalProb, float[] AnomalyMap, float[] PatchMap)
    {
        public static Outputs From(DaClipPrediction p) => new(p.Score, p.GlobalProb, p.AnomalyMap, p.PatchMap);
    }

    /// <summary>Compares predictions image by image (same order, same images).</summary>
    public static InferenceComparison Of(IReadOnlyList<Outputs> actual, IReadOnlyList<Outputs> reference)
    {
        if (actual.Count != reference.Count || actual.Count == 0)
            throw new InvalidOperationException($"Cannot compare {actual.Count} predictions with {reference.Count}.");
        double score = 0, map = 0, global = 0, patch = 0, pMin = double.PositiveInfinity, pSum = 0;
        for (int i = 0; i < actual.Count; i++)
        {
            score = Math.Max(score, Math.Abs((double)actual[i].Score - reference[i].Score));
            global = Math.Max(global, Math.Abs((double)actual[i].GlobalProb - reference[i].GlobalProb));
            map = Math.Max(map, MaxAbs(actual[i].AnomalyMap, reference[i].AnomalyMap));
            patch = Math.Max(patch, MaxAbs(actual[i].PatchMap, reference[i].PatchMap));
            double p = Correlation.Pearson(actual[i].AnomalyMap, reference[i].AnomalyMap);
            pMin = Math.Min(pMin, p);
            pSum += p;
        }
        return new InferenceComparison(actual.Count, score, map, global, patch, pMin, pSum / actual.Count);
    }

    private static double MaxAbs(float[] a, float[] b)
    {
        if (a.Length != b.Length) throw new InvalidOperationException($"Output lengths differ: {a.Length} vs {b.Length}.");
        double m = 0;
        for (int i = 0; i < a.Length; i++) m = Math.Max(m, Math.Abs((double)a[i] - b[i]));
        return m;
    }
}
