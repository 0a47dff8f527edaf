using System.Globalization;
using DaClip.MLNet.Scoring;
using DaClip.MLNet.Training.Export;

namespace DaClip.MLNet.Tests.Scoring;

/// <summary>
/// A model with the DA-CLIP input / output contract and simple, checkable maths:
/// anomaly_map = mean over channels; score = mean of all pixels; predicted_label = score &gt; threshold;
/// global_prob = max of all pixels; patch_map = anomaly_map averaged over (S / g) x (S / g) blocks.
/// </summary>
internal static class FakeDaClipModel
{
    public static OnnxModelBuilder Build(int size, int grid, float threshold, bool withFormat = true, bool withPatchMap = true, bool sizeInMetadata = true)
    {
        var model = new OnnxModelBuilder("fake_daclip");
        if (withFormat) model.SetMetadata(DaClipModelMetadata.Format, DaClipModelMetadata.FormatName);
        model.SetMetadata(DaClipModelMetadata.FormatVersion, "1");
        if (sizeInMetadata) model.SetMetadata(DaClipModelMetadata.ImageSize, size.ToString(CultureInfo.InvariantCulture));
        model.SetMetadata(DaClipModelMetadata.PatchGrid, grid.ToString(CultureInfo.InvariantCulture));
        model.SetMetadata(DaClipModelMetadata.Threshold, threshold.ToString("R", CultureInfo.InvariantCulture));
        model.SetMetadata(DaClipModelMetadata.Backbone, "fake");
        var g = model.Graph;
        var pixels = g.AddInput(DaClipModelTensors.Pixels, OnnxElementType.Float, sizeInMetadata ? ["N", 3, "S", "S"] : ["N", 3, size, size]);
        var map = g.ReduceMean(pixels, [1], keepDims: true);
        var score = g.ReduceMean(pixels, [1, 2, 3], keepDims: false);
        g.AddOutput(DaClipModelTensors.Score, OnnxElementType.Float, ["N"], score);
        g.AddOutput(DaClipModelTensors.PredictedLabel, OnnxElementType.Bool, ["N"], g.Greater(score, g.Scalar(threshold)));
        g.AddOutput(DaClipModelTensors.AnomalyMap, OnnxElementType.Float, ["N", 1, size, size], map);
        g.AddOutput(DaClipModelTensors.GlobalProb, OnnxElementType.Float, ["N"], g.ReduceMax(pixels, [1, 2, 3], keepDims: false));
        if (withPatchMap)
        {
            int k = size / grid;
            g.AddOutput(DaClipModelTensors.PatchMap, OnnxElementType.Float, ["N", 1, grid, grid], g.AveragePool(map, [k, k], [k, k]));
        }
        return model;
    }

    /// <summary>The outputs computed in C# from one preprocessed image (3 x S x S).</summary>
    public static (float Score, bool Label, float Global, float[] Map, float[] Patch) Expected(float[] chw, int size, int grid, float threshold)
    {
        int plane = size * size, k = size / grid;
        var map = new float[plane];
        double total = 0, max = double.MinValue;
        for (int i = 0; i < plane; i++)
        {
            double m = 0;
            for (int c = 0; c < 3; c++)
            {
                m += chw[c * plane + i];
                max = Math.Max(max, chw[c * plane + i]);
            }
            map[i] = (float)(m / 3);
            total += m;
        }
        var patch = new float[grid * grid];
        for (int py = 0; py < grid; py++)
            for (int px = 0; px < grid; px++)
            {
                double s = 0;
                for (int y = py * k; y < (py + 1) * k; y++)
                    for (int x = px * k; x < (px + 1) * k; x++) s += map[y * size + x];
                patch[py * grid + px] = (float)(s / (k * k));
            }
        float score = (float)(total / (3 * plane));
        return (score, score > threshold, (float)max, map, patch);
    }
}
