using Microsoft.ML;
using Microsoft.ML.Data;

namespace DaClip.MLNet.Pipeline;

/// <summary>Reads image labels (true = anomalous) from a <c>Boolean</c> or <c>Single</c> (0 / 1) column.</summary>
internal static class DaClipLabels
{
    public const string LabelTypes = "Boolean, or Single with 1 = anomalous and 0 = normal";

    /// <summary>Checks the label column's type.</summary>
    public static void Check(DataViewSchema schema, string name)
    {
        var column = schema.GetColumnOrNull(name) ?? throw DaClipColumns.Missing(schema, "label", name, LabelTypes);
        if (column.Type != BooleanDataViewType.Instance && column.Type != NumberDataViewType.Single)
            throw new DaClipSchemaException("label", name, LabelTypes, column.Type.ToString(),
                "Convert it, e.g. mlContext.Transforms.Conversion.ConvertType(name, name, DataKind.Boolean).");
    }

    /// <summary>Every row's label, in row order.</summary>
    public static bool[] Read(IDataView data, string name)
    {
        Check(data.Schema, name);
        var column = data.Schema[name];
        var labels = new List<bool>();
        using var cursor = data.GetRowCursor([column]);
        if (column.Type == BooleanDataViewType.Instance)
        {
            var getter = cursor.GetGetter<bool>(column);
            bool value = false;
            while (cursor.MoveNext())
            {
                getter(ref value);
                labels.Add(value);
            }
        }
        else
        {
            var getter = cursor.GetGetter<float>(column);
            float value = 0;
            while (cursor.MoveNext())
            {
                getter(ref value);
                labels.Add(FromSingle(value, name, cursor.Position));
            }
        }
        return [.. labels];
    }

    /// <summary>A Single label: 1 is anomalous, 0 normal, anything else an error naming the row.</summary>
    public static bool FromSingle(float value, string name, long row) => value switch
    {
        1f => true,
        0f => false,
        _ => throw new DaClipException($"Row {row} of the label column '{name}' is {value}; a Single label must be 1 (anomalous) or 0 (normal)."),
    };
}
