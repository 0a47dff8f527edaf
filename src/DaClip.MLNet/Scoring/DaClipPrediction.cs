namespace DaClip.MLNet.Scoring;

/// <summary>The model's outputs for one image.</summary>
public sealed class DaClipPrediction
{
    internal DaClipPrediction(string source, float score, bool predictedLabel, float globalProb, float[] anomalyMap, int imageSize, float[] patchMap, int grid)
        : this(source, score, predictedLabel, globalProb, anomalyMap, imageSize, imageSize, imageSize, patchMap, grid) { }

    internal DaClipPrediction(string source, float score, bool predictedLabel, float globalProb, float[] anomalyMap, int mapWidth, int mapHeight, int imageSize,
        float[] patchMap, int grid)
    {
        Source = source;
        Score = score;
        PredictedLabel = predictedLabel;
        GlobalProb = globalProb;
        AnomalyMap = anomalyMap;
        MapWidth = mapWidth;
        MapHeight = mapHeight;
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

    /// <summary>
    /// Pixel anomaly map, <see cref="MapWidth"/> x <see cref="MapHeight"/>, row-major: at the model's input size
    /// (<see cref="ImageSize"/> x <see cref="ImageSize"/>) by default, or at the image's own size with
    /// <see cref="DaClipScorerOptions.MapSize"/> = <see cref="AnomalyMapSize.Source"/>.
    /// </summary>
    public float[] AnomalyMap { get; }

    /// <summary>Width of <see cref="AnomalyMap"/>: <see cref="ImageSize"/>, or the source image's width for <see cref="AnomalyMapSize.Source"/>.</summary>
    public int MapWidth { get; }

    /// <summary>Height of <see cref="AnomalyMap"/>: <see cref="ImageSize"/>, or the source image's height for <see cref="AnomalyMapSize.Source"/>.</summary>
    public int MapHeight { get; }

    /// <summary>Side S of the model's square input (and of <see cref="AnomalyMap"/> at <see cref="AnomalyMapSize.Model"/>).</summary>
    public int ImageSize { get; }

    /// <summary>Anomaly map on the patch grid, <see cref="Grid"/> x <see cref="Grid"/>, row-major.</summary>
    public float[] PatchMap { get; }

    /// <summary>Side g of <see cref="PatchMap"/>.</summary>
    public int Grid { get; }
}
