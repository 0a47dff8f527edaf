using System.Globalization;
using DaClip.MLNet.Scoring;
using DaClip.MLNet.Training.Export;

namespace DaClip.MLNet.Tests.MLNet;

/// <summary>
/// A small ONNX model with the DA-CLIP input / output contract and checkable maths. Like the exported model it starts
/// with CLIP's per-channel normalisation (an elementwise op, so results do not depend on where ML.NET's input buffer
/// lies in memory): z = (pixels − mean) / std; anomaly_map = sigmoid(mean over channels of z); score = mean of the map;
/// predicted_label = score &gt; threshold (a scalar initializer); global_prob = max of the map; patch_map = block means.
/// </summary>
internal static class ContractModel
{
    public const int Size = 16, Grid = 4;

    public static byte[] Build(float threshold, int size = Size, string fit = "Stretch")
    {
        var model = new OnnxModelBuilder("contract_daclip");
        model.SetMetadata(DaClipModelMetadata.Format, DaClipModelMetadata.FormatName);
        model.SetMetadata(DaClipModelMetadata.FormatVersion, "1");
        model.SetMetadata(DaClipModelMetadata.ImageSize, size.ToString(CultureInfo.InvariantCulture));
        model.SetMetadata(DaClipModelMetadata.ImageFit, fit);
        model.SetMetadata(DaClipModelMetadata.PatchGrid, Grid.ToString(CultureInfo.InvariantCulture));
        model.SetMetadata(DaClipModelMetadata.Threshold, threshold.ToString("R", CultureInfo.InvariantCulture));
        var g = model.Graph;
        var pixels = g.AddInput(DaClipModelTensors.Pixels, OnnxElementType.Float, ["N", 3, size, size]);
        var mean = g.AddInitializer("clip_mean", [.. DaClipModelOptions.ClipMean], 1, 3, 1, 1);
        var std = g.AddInitializer("clip_std", [.. DaClipModelOptions.ClipStd], 1, 3, 1, 1);
        var z = g.Div(g.Sub(pixels, mean), std);
        var map = g.Sigmoid(g.ReduceMean(z, [1], keepDims: true));
        var score = g.ReduceMean(map, [1, 2, 3], keepDims: false);
        g.AddOutput(DaClipModelTensors.Score, OnnxElementType.Float, ["N"], score);
        g.AddOutput(DaClipModelTensors.PredictedLabel, OnnxElementType.Bool, ["N"], g.Greater(score, g.Scalar(threshold)));
        g.AddOutput(DaClipModelTensors.AnomalyMap, OnnxElementType.Float, ["N", 1, size, size], map);
        g.AddOutput(DaClipModelTensors.GlobalProb, OnnxElementType.Float, ["N"], g.ReduceMax(map, [1, 2, 3], keepDims: false));
        int k = size / Grid;
        g.AddOutput(DaClipModelTensors.PatchMap, OnnxElementType.Float, ["N", 1, Grid, Grid], g.AveragePool(map, [k, k], [k, k]));
        return model.ToBytes();
    }

    /// <summary>Score and map computed in C# (double precision) from one preprocessed image.</summary>
    public static (double Score, double[] Map) Expected(float[] chw, int size = Size)
    {
        int plane = size * size;
        var map = new double[plane];
        for (int i = 0; i < plane; i++)
        {
            double m = 0;
            for (int c = 0; c < 3; c++) m += (chw[c * plane + i] - DaClipModelOptions.ClipMean[c]) / DaClipModelOptions.ClipStd[c];
            map[i] = 1 / (1 + Math.Exp(-m / 3));
        }
        return (map.Average(), map);
    }
}
