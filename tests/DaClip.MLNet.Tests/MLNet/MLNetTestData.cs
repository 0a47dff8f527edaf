using Microsoft.ML;
using Microsoft.ML.Data;

namespace DaClip.MLNet.Tests.MLNet;

/// <summary>One input row of the ML.NET tests.</summary>
public sealed class ImageRow
{
    public string Image { get; set; } = "";

    public bool Label { get; set; }

    public string Mask { get; set; } = "";

    public string Class { get; set; } = "";
}

/// <summary>Output columns read back through a prediction engine.</summary>
public sealed class DaClipOutputRow
{
    public float Score { get; set; }

    public bool PredictedLabel { get; set; }

    public float ScoreCentered { get; set; }

    [VectorType(1, 1, ContractModel.Size, ContractModel.Size)]
    public float[] AnomalyMap { get; set; } = [];
}

/// <summary>Shared helpers of the ML.NET tests.</summary>
internal static class MLNetTestData
{
    public static IDataView Rows(MLContext ml, IEnumerable<SyntheticImage> images) =>
        ml.Data.LoadFromEnumerable(images.Select(i => new ImageRow { Image = i.Path, Label = i.Anomalous, Mask = i.MaskPath, Class = i.Class }).ToList());

    public static float[] Scores(IDataView scored, string column = "Score") => scored.GetColumn<float>(column).ToArray();

    public static float[][] Maps(IDataView scored, string column = "AnomalyMap") => scored.GetColumn<float[]>(column).ToArray();

    /// <summary>AUROC by counting pairs (ties one half): the reference for the evaluators.</summary>
    public static double BruteForceAuc(IReadOnlyList<float> scores, IReadOnlyList<bool> labels)
    {
        double wins = 0;
        int pairs = 0;
        for (int i = 0; i < scores.Count; i++)
            for (int j = 0; j < scores.Count; j++)
                if (labels[i] && !labels[j])
                {
                    pairs++;
                    wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
                }
        return wins / pairs;
    }
}
