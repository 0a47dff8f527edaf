using DaClip.MLNet;
using DaClip.MLNet.Imaging;
using DaClip.MLNet.Metrics;
using DaClip.MLNet.Pipeline;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace Microsoft.ML;

/// <summary>
/// Pixel-level evaluation of DA-CLIP results in ML.NET style. Image-level metrics are also available from ML.NET's own
/// <c>AnomalyDetection.Evaluate</c> and <c>BinaryClassification.EvaluateNonCalibrated</c> (see docs/mlnet.md).
/// </summary>
public static class DaClipEvaluationCatalog
{
    /// <summary>
    /// Evaluates a scored data view as the zero-shot anomaly-detection literature does: per class, image AUROC / AP /
    /// F1-max, pixel AUROC / AP / F1-max and the PRO area in its three conventions, then the mean over classes
    /// (<see cref="SegmentationEvaluator"/>). Reads the rows once.
    /// </summary>
    /// <param name="catalog">The anomaly-detection catalog.</param>
    /// <param name="data">Scored data, e.g. the output of a DA-CLIP transformer with the label, mask and class columns kept.</param>
    /// <param name="labelColumnName">The label column (Boolean or Single).</param>
    /// <param name="maskColumnName">The mask column (path, image, or a vector at the map's size), or null for none.</param>
    /// <param name="classColumnName">The class column (String), or null for one class.</param>
    /// <param name="scoreColumnName">The image score column.</param>
    /// <param name="anomalyMapColumnName">The anomaly map column.</param>
    /// <exception cref="DaClipSchemaException">A column is missing or of an unusable type.</exception>
    public static SegmentationEvaluationResult EvaluateSegmentation(this AnomalyDetectionCatalog catalog, IDataView data,
        string labelColumnName = DaClipDefaults.LabelColumnName, string? maskColumnName = DaClipDefaults.MaskColumnName, string? classColumnName = null,
        string scoreColumnName = DaClipDefaults.ScoreColumnName, string anomalyMapColumnName = DaClipDefaults.AnomalyMapColumnName) =>
        catalog.EvaluateSegmentation(data, new DaClipSegmentationEvaluatorOptions
        {
            LabelColumnName = labelColumnName,
            MaskColumnName = maskColumnName,
            ClassColumnName = classColumnName,
            ScoreColumnName = scoreColumnName,
            AnomalyMapColumnName = anomalyMapColumnName,
        });

    /// <summary>Evaluates a scored data view as configured by <paramref name="options"/>; see the other overload.</summary>
    /// <exception cref="DaClipSchemaException">A column is missing or of an unusable type.</exception>
    public static SegmentationEvaluationResult EvaluateSegmentation(this AnomalyDetectionCatalog catalog, IDataView data, DaClipSegmentationEvaluatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        var schema = data.Schema;
        var score = Require(schema, "score", options.ScoreColumnName, "Single", t => t == NumberDataViewType.Single);
        var map = Require(schema, "anomaly map", options.AnomalyMapColumnName, "a known-size Vector<Single> of S·S values",
            t => t is VectorDataViewType { ItemType: var i, IsKnownSize: true } v && i == NumberDataViewType.Single && IsSquare(v.Size));
        DaClipLabels.Check(schema, options.LabelColumnName);
        var label = schema[options.LabelColumnName];
        DataViewSchema.Column? mask = options.MaskColumnName is null ? null
            : Require(schema, "mask", options.MaskColumnName, MaskTypes, t => t is TextDataViewType or ImageDataViewType
                || (t is VectorDataViewType { ItemType: var i } && (i == NumberDataViewType.Single || i == NumberDataViewType.Byte)));
        DataViewSchema.Column? cls = options.ClassColumnName is null ? null
            : Require(schema, "class", options.ClassColumnName, "String", t => t is TextDataViewType);

        int size = (int)Math.Round(Math.Sqrt(((VectorDataViewType)map.Type).Size));
        var evaluator = new SegmentationEvaluator(options.Metrics);
        var active = new List<DataViewSchema.Column> { score, map, label };
        if (mask is not null) active.Add(mask.Value);
        if (cls is not null) active.Add(cls.Value);
        using var cursor = data.GetRowCursor(active);
        var getScore = cursor.GetGetter<float>(score);
        var getMap = cursor.GetGetter<VBuffer<float>>(map);
        Func<bool> getLabel = label.Type == BooleanDataViewType.Instance ? Getter<bool>(cursor, label) : SingleLabel(cursor, label);
        var getMask = mask is null ? null : MaskGetter(cursor, mask.Value, size, options.Fit);
        var getClass = cls is null ? null : Getter<ReadOnlyMemory<char>>(cursor, cls.Value);
        float s = 0;
        VBuffer<float> m = default;
        var dense = new float[size * size];
        while (cursor.MoveNext())
        {
            getScore(ref s);
            getMap(ref m);
            m.CopyTo(dense);
            var truth = getMask?.Invoke() ?? [];
            string className = getClass is null ? "all" : getClass().ToString();
            if (className.Length == 0) throw new DaClipException($"Row {cursor.Position} of the class column '{options.ClassColumnName}' is empty: give every image its class.");
            evaluator.Add(className, getLabel(), s, dense, truth, size, size);
        }
        return evaluator.Evaluate();
    }

    private const string MaskTypes = "String (mask path), Image, or Vector<Single> / Vector<Byte> of S·S values";

    private static bool IsSquare(int n)
    {
        int s = (int)Math.Round(Math.Sqrt(n));
        return n > 0 && s * s == n;
    }

    private static DataViewSchema.Column Require(DataViewSchema schema, string role, string name, string expected, Func<DataViewType, bool> accepts)
    {
        var column = schema.GetColumnOrNull(name) ?? throw DaClipColumns.Missing(schema, role, name, expected);
        if (!accepts(column.Type))
            throw new DaClipSchemaException(role, name, expected, column.Type.ToString(), "Pass the scored data of a DA-CLIP transformer, keeping the label, mask and class columns.");
        return column;
    }

    private static Func<T> Getter<T>(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        var getter = cursor.GetGetter<T>(column);
        return () =>
        {
            T value = default!;
            getter(ref value);
            return value;
        };
    }

    private static Func<bool> SingleLabel(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        var read = Getter<float>(cursor, column);
        return () => DaClipLabels.FromSingle(read(), column.Name, cursor.Position);
    }

    private static Func<byte[]> MaskGetter(DataViewRowCursor cursor, DataViewSchema.Column column, int size, ImageFit fit)
    {
        switch (column.Type)
        {
            case TextDataViewType:
                {
                    var read = Getter<ReadOnlyMemory<char>>(cursor, column);
                    return () => read().ToString() is { Length: > 0 } path ? MaskLoader.Load(path, size, fit) : [];
                }
            case ImageDataViewType:
                {
                    var read = Getter<MLImage>(cursor, column);
                    return () => read() is { } image ? MaskLoader.Resize(ImageDecoder.FromMLImage(image, $"mask of row {cursor.Position}"), size, fit) : [];
                }
            case VectorDataViewType { ItemType: var item } when item == NumberDataViewType.Single:
                {
                    var getter = cursor.GetGetter<VBuffer<float>>(column);
                    VBuffer<float> v = default;
                    return () =>
                    {
                        getter(ref v);
                        return AtMapSize(v.DenseValues().Select(x => (byte)(x != 0 ? 1 : 0)).ToArray(), column.Name, size, cursor.Position);
                    };
                }
            default:
                {
                    var getter = cursor.GetGetter<VBuffer<byte>>(column);
                    VBuffer<byte> v = default;
                    return () =>
                    {
                        getter(ref v);
                        return AtMapSize(v.DenseValues().ToArray(), column.Name, size, cursor.Position);
                    };
                }
        }
    }

    private static byte[] AtMapSize(byte[] mask, string name, int size, long row) =>
        mask.Length == size * size || mask.Length == 0 ? mask
            : throw new DaClipException($"Row {row} of the mask column '{name}' has {mask.Length} values; the anomaly map has {size} x {size} = {size * size}. Give masks at the map's size, or as file paths / images (resized for you).");
}
