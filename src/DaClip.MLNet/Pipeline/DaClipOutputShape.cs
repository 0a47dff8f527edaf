using Microsoft.ML;
using Microsoft.ML.Data;

namespace DaClip.MLNet.Pipeline;

/// <summary>
/// The schema shape of a DA-CLIP transformer's output: the input columns plus Score (Single), PredictedLabel
/// (Boolean), ScoreCentered (Single) and AnomalyMap (known-size vector of Single). ML.NET does not let other assemblies
/// create schema-shape columns, so the added columns are taken from a custom-mapping estimator whose output definition
/// carries the configured names; that estimator is never fitted.
/// </summary>
internal static class DaClipOutputShape
{
    private static readonly MLContext Context = new();

    public static SchemaShape Extend(SchemaShape input, DaClipScoringOptions options)
    {
        var outputs = SchemaDefinition.Create(typeof(ShapeRow));
        outputs[nameof(ShapeRow.Score)].ColumnName = options.ScoreColumnName;
        outputs[nameof(ShapeRow.PredictedLabel)].ColumnName = options.PredictedLabelColumnName;
        outputs[nameof(ShapeRow.ScoreCentered)].ColumnName = options.ScoreCenteredColumnName;
        outputs[nameof(ShapeRow.AnomalyMap)].ColumnName = options.AnomalyMapColumnName;
        var estimator = Context.Transforms.CustomMapping<ConfigKeyInput, ShapeRow>(static (_, _) => { }, contractName: null, outputSchemaDefinition: outputs);
        return estimator.GetOutputSchema(input);
    }

    /// <summary>The added columns' types; the vector's length is a placeholder (schema shapes only say "known size").</summary>
    internal sealed class ShapeRow
    {
        public float Score { get; set; }

        public bool PredictedLabel { get; set; }

        public float ScoreCentered { get; set; }

        [VectorType(1)]
        public float[] AnomalyMap { get; set; } = [];
    }
}
