namespace DaClip.MLNet.Scoring;

/// <summary>The model's outputs for one image.</summary>
public sealed class DaClipPrediction
{
    internal DaClipPrediction(string source, float score, bool predictedLabel, float globalProb, float[] anomalyMap, int imageSize, float[] patchMap, int grid)
    {
        Source = source;
        Score = score;
        PredictedLabel = predictedLabel;
        GlobalProb = globalProb;
        AnomalyMap = anomalyMap;
        ImageSize = imageSize;
        PatchMap = patchMap;
        Grid = grid;
    }

    /// <summary>The image's path, or its position in the input list for in-memory images.</summary>
    public string Source { get; }

    /// <summary>Image anomaly score (higher = more anomalous).</summary>
    public float Score { get; }

    /// <summary>True when <see cref="Score"/> is above the model's threshold.</summary>
    public bool PredictedLabel { get; }

    /// <summary>Probability of "anomalous" from the global image feature alone.</summary>
    public float GlobalProb { get; }

    /// <summary>Pixel anomaly map at the model's input size, <see cref="ImageSize"/> x <see cref="ImageSize"/>, row-major.</summary>
    public float[] AnomalyMap { get; }

    /// <summary>Side S of <see cref="AnomalyMap"/>.</summary>
    public int ImageSize { get; }

    /// <summary>Anomaly map on the patch grid, <see cref="Grid"/> x <see cref="Grid"/>, row-major.</summary>
    public float[] PatchMap { get; }

    /// <summary>Side g of <see cref="PatchMap"/>.</summary>
    public int Grid { get; }
}
