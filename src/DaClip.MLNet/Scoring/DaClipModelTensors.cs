namespace DaClip.MLNet.Scoring;

/// <summary>
/// Names of the model's input and outputs (format version 1). N is the batch, S the image side, g the patch grid side.
/// </summary>
public static class DaClipModelTensors
{
    /// <summary>Input, float32 [N, 3, S, S]: RGB in [0, 1] from <see cref="Imaging.ImagePreprocessor"/> (CLIP normalisation is inside the graph).</summary>
    public const string Pixels = "pixels";

    /// <summary>Output, float32 [N]: the image anomaly score.</summary>
    public const string Score = "score";

    /// <summary>Output, bool [N]: score above the exported threshold.</summary>
    public const string PredictedLabel = "predicted_label";

    /// <summary>Output, float32 [N, 1, S, S]: the pixel anomaly map.</summary>
    public const string AnomalyMap = "anomaly_map";

    /// <summary>Output, float32 [N]: probability of "anomalous" from the global image feature.</summary>
    public const string GlobalProb = "global_prob";

    /// <summary>Output, float32 [N, 1, g, g]: the fused anomaly map on the patch grid, before upsampling.</summary>
    public const string PatchMap = "patch_map";

    /// <summary>All outputs, in the order the scorer requests them.</summary>
    public static IReadOnlyList<string> Outputs { get; } = [Score, PredictedLabel, AnomalyMap, GlobalProb, PatchMap];
}
