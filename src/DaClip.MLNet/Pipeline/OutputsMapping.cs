using DaClip.MLNet.Scoring;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace DaClip.MLNet.Pipeline;

/// <summary>The model's one-element score and label tensors, and the configuration vector.</summary>
internal sealed class OutputsInput
{
    [ColumnName(DaClipModelTensors.Score), VectorType]
    public float[] Score { get; set; } = [];

    [ColumnName(DaClipModelTensors.PredictedLabel), VectorType]
    public bool[] PredictedLabel { get; set; } = [];

    [ColumnName(DaClipChainLayout.ConfigColumn), VectorType]
    public float[] Config { get; set; } = [];
}

/// <summary>Scalar score, label, and the score minus the threshold.</summary>
internal sealed class OutputsOutput
{
    [ColumnName(DaClipChainLayout.ScoreColumn)]
    public float Score { get; set; }

    [ColumnName(DaClipChainLayout.PredictedLabelColumn)]
    public bool PredictedLabel { get; set; }

    [ColumnName(DaClipChainLayout.ScoreCenteredColumn)]
    public float ScoreCentered { get; set; }
}

/// <summary>
/// Turns the [1]-shaped ONNX outputs into scalars. The centred score is <c>score − threshold</c> in float32, which is
/// positive exactly when the model's <c>predicted_label</c> (<c>score &gt; threshold</c>) is true.
/// </summary>
[CustomMappingFactoryAttribute(DaClipChainLayout.OutputsContract)]
internal sealed class OutputsMapping : CustomMappingFactory<OutputsInput, OutputsOutput>
{
    public override Action<OutputsInput, OutputsOutput> GetMapping() => static (input, output) =>
    {
        float score = input.Score[0];
        output.Score = score;
        output.PredictedLabel = input.PredictedLabel[0];
        output.ScoreCentered = score - DaClipChainLayout.Threshold(input.Config);
    };
}
