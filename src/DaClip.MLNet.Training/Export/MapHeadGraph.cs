using DaClip.MLNet.Scoring;

namespace DaClip.MLNet.Training.Export;

/// <summary>
/// Anomaly maps and scores (METHOD §5) as graph nodes, float32, writing the graph outputs of
/// <see cref="DaClipModelTensors"/>: per-tap local and global-space maps, fusion, bilinear upsampling
/// (<c>Resize</c>, half_pixel), separable Gaussian smoothing with reflect padding, top-k mean, score and label.
/// </summary>
internal static class MapHeadGraph
{
    /// <summary>
    /// Emits the head. <paramref name="patchFeatures"/> [N, taps, P, D], <paramref name="global"/> [N, D]; the text
    /// features are either per image [N, 2, D] (<paramref name="perImageText"/>, after the DAR) or constants [2, D].
    /// </summary>
    public static void Emit(DaClipGraphWriter w, ExportedNetwork net, string patchFeatures, string global, string localText, string globalText,
        bool perImageText, float threshold)
    {
        var g = w.Graph;
        g.NodeNamePrefix = "maps/";
        var o = net.Options;
        var head = net.Head;
        int grid = net.Grid, size = o.ImageSize, patches = grid * grid, patch = size / grid;

        // [N, 1, D, 2] (per image) or [D, 2] (constant) so that MatMul broadcasts over taps and patches.
        string ForMaps(string text) => perImageText ? g.Unsqueeze(g.Transpose(text, 0, 2, 1), 1) : g.Transpose(text, 1, 0);
        string AnomalyProbability(string logits) => g.Gather(g.Softmax(g.Div(logits, w.Scalar(o.Tau)), -1), g.ScalarInt64(1), -1);
        string MeanMap(string text) => g.ReduceMean(AnomalyProbability(g.MatMul(patchFeatures, ForMaps(text))), [1], keepDims: false);   // [N, P]

        var localMean = MeanMap(localText);
        var globalMean = globalText == localText ? localMean : MeanMap(globalText);    // one text for both (the training-free baseline)
        var fused = g.Add(g.Mul(localMean, w.Scalar(o.Alpha)), g.Mul(globalMean, w.Scalar(1 - o.Alpha)));
        var patchMap = g.Reshape(fused, -1, 1, grid, grid);
        g.AddOutput(DaClipModelTensors.PatchMap, OnnxElementType.Float, ["N", 1, grid, grid], patchMap);

        var up = g.ResizeByScales(patchMap, [1f, 1f, patch, patch], "linear", "half_pixel");
        int r = head.Radius;
        var kernel = head.Kernel;
        var smoothed = g.Conv(g.Pad(up, [0, 0, 0, r, 0, 0, 0, r], "reflect"), g.AddInitializer("gaussian_kernel_x", kernel, 1, 1, 1, kernel.Length));
        smoothed = g.Conv(g.Pad(smoothed, [0, 0, r, 0, 0, 0, r, 0], "reflect"), g.AddInitializer("gaussian_kernel_y", kernel, 1, 1, kernel.Length, 1));
        g.AddOutput(DaClipModelTensors.AnomalyMap, OnnxElementType.Float, ["N", 1, size, size], smoothed);

        var topK = g.ReduceMean(g.TopK(fused, Math.Min(o.TopK, patches), 1).Values, [1], keepDims: false);
        var globalText2 = perImageText ? g.Transpose(globalText, 0, 2, 1) : g.Transpose(globalText, 1, 0);
        var imageLogits = perImageText ? g.Reshape(g.MatMul(g.Unsqueeze(global, 1), globalText2), -1, 2) : g.MatMul(global, globalText2);
        var globalProb = AnomalyProbability(imageLogits);
        g.AddOutput(DaClipModelTensors.GlobalProb, OnnxElementType.Float, ["N"], globalProb);

        var score = g.Add(g.Mul(globalProb, w.Scalar(o.Beta)), g.Mul(topK, w.Scalar(1 - o.Beta)));
        g.AddOutput(DaClipModelTensors.Score, OnnxElementType.Float, ["N"], score);
        var label = g.Greater(score, g.AddInitializer("threshold", [threshold]));
        g.AddOutput(DaClipModelTensors.PredictedLabel, OnnxElementType.Bool, ["N"], label);
    }
}
