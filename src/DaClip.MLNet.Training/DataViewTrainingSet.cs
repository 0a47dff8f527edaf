using DaClip.MLNet.Imaging;
using DaClip.MLNet.Pipeline;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace DaClip.MLNet.Training;

/// <summary>
/// The rows of an ML.NET data view as DA-CLIP training examples. One pass reads the labels and the cheap references
/// (paths, encoded bytes, mask paths); images and masks are decoded and preprocessed with the shared
/// <see cref="ImagePreprocessor"/> and <see cref="MaskLoader"/> only when <see cref="Get"/> asks for them. Columns of
/// <see cref="MLImage"/>s cannot be kept cheaply, so they are read through a cursor that moves forward and restarts
/// when an earlier row is wanted (the trainer reads rows in order when it fills its feature cache).
/// </summary>
internal sealed class DataViewTrainingSet : ITrainingSet, IDisposable
{
    public const string MaskTypes = "String (a mask file path, empty for none) or Image (from LoadImages)";

    private readonly IDataView _data;
    private readonly DaClipImageKind _kind;
    private readonly DataViewSchema.Column _image;
    private readonly DataViewSchema.Column? _mask;
    private readonly bool _maskIsImage;
    private readonly ImagePreprocessor _preprocessor;
    private readonly bool[] _labels;
    private readonly string[]? _paths;
    private readonly byte[][]? _bytes;
    private readonly string[]? _maskPaths;
    private DataViewRowCursor? _cursor;
    private long _row = -1;

    public DataViewTrainingSet(IDataView data, DaClipImageKind kind, string imageColumn, string labelColumn, string? maskColumn, ImagePreprocessor preprocessor)
    {
        _data = data;
        _kind = kind;
        _preprocessor = preprocessor;
        _image = data.Schema[imageColumn];
        if (maskColumn is not null)
        {
            _mask = CheckMaskColumn(data.Schema, maskColumn);
            _maskIsImage = _mask.Value.Type is ImageDataViewType;
        }
        DaClipLabels.Check(data.Schema, labelColumn);
        var label = data.Schema[labelColumn];

        var labels = new List<bool>();
        var paths = kind == DaClipImageKind.Path ? new List<string>() : null;
        var bytes = kind == DaClipImageKind.EncodedBytes ? new List<byte[]>() : null;
        var maskPaths = _mask is not null && !_maskIsImage ? new List<string>() : null;
        var active = new List<DataViewSchema.Column> { label };
        if (kind != DaClipImageKind.Image) active.Add(_image);
        if (maskPaths is not null) active.Add(_mask!.Value);
        using (var cursor = data.GetRowCursor(active))
        {
            Func<bool> readLabel = label.Type == BooleanDataViewType.Instance ? BoolGetter(cursor, label) : SingleGetter(cursor, label, labelColumn);
            var text = paths is not null ? cursor.GetGetter<ReadOnlyMemory<char>>(_image) : null;
            var vector = bytes is not null ? cursor.GetGetter<VBuffer<byte>>(_image) : null;
            var maskText = maskPaths is not null ? cursor.GetGetter<ReadOnlyMemory<char>>(_mask!.Value) : null;
            ReadOnlyMemory<char> s = default;
            VBuffer<byte> b = default;
            while (cursor.MoveNext())
            {
                labels.Add(readLabel());
                if (text is not null)
                {
                    text(ref s);
                    paths!.Add(s.ToString());
                }
                if (vector is not null)
                {
                    vector(ref b);
                    bytes!.Add(b.DenseValues().ToArray());
                }
                if (maskText is not null)
                {
                    maskText(ref s);
                    maskPaths!.Add(s.ToString());
                }
            }
        }
        _labels = [.. labels];
        _paths = paths?.ToArray();
        _bytes = bytes?.ToArray();
        _maskPaths = maskPaths?.ToArray();
    }

    public int Count => _labels.Length;

    /// <summary>Rows labelled anomalous.</summary>
    public int AnomalousCount => _labels.Count(l => l);

    public TrainingExample Get(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        MLImage? image = null, mask = null;
        if (_kind == DaClipImageKind.Image || _maskIsImage) (image, mask) = ReadImages(index);
        string source = $"training row {index}";
        var pixels = _kind switch
        {
            DaClipImageKind.Path => _preprocessor.Process(_paths![index]),
            DaClipImageKind.EncodedBytes => _preprocessor.Process(_bytes![index], source),
            _ => _preprocessor.Process(ImageDecoder.FromMLImage(image ?? throw new ImageInputException(source, "the image is missing (null)."), source)),
        };
        byte[]? maskPixels = null;
        if (_maskPaths is not null && _maskPaths[index].Length > 0)
            maskPixels = MaskLoader.Load(_maskPaths[index], _preprocessor.ImageSize, _preprocessor.Fit);
        else if (mask is not null)
            maskPixels = MaskLoader.Resize(ImageDecoder.FromMLImage(mask, source + " (mask)"), _preprocessor.ImageSize, _preprocessor.Fit);
        return new TrainingExample(pixels, maskPixels, _labels[index]);
    }

    public void Dispose()
    {
        _cursor?.Dispose();
        _cursor = null;
    }

    /// <summary>Checks a mask column's type.</summary>
    public static DataViewSchema.Column CheckMaskColumn(DataViewSchema schema, string name)
    {
        var column = schema.GetColumnOrNull(name) ?? throw DaClipColumns.Missing(schema, "mask", name, MaskTypes);
        if (column.Type is not (TextDataViewType or ImageDataViewType))
            throw new DaClipSchemaException("mask", name, MaskTypes, column.Type.ToString(), "Give mask file paths, or load them with LoadImages.");
        return column;
    }

    private (MLImage? Image, MLImage? Mask) ReadImages(int index)
    {
        if (_cursor is null || _row > index)
        {
            _cursor?.Dispose();
            var active = new List<DataViewSchema.Column>();
            if (_kind == DaClipImageKind.Image) active.Add(_image);
            if (_maskIsImage) active.Add(_mask!.Value);
            _cursor = _data.GetRowCursor(active);
            _row = -1;
        }
        while (_row < index)
        {
            if (!_cursor.MoveNext()) throw new DaClipException($"The training data has fewer rows ({_row + 1}) than when it was first read ({Count}): give a data view that returns the same rows on every pass.");
            _row++;
        }
        MLImage? image = null, mask = null;
        if (_kind == DaClipImageKind.Image) _cursor.GetGetter<MLImage>(_image)(ref image!);
        if (_maskIsImage) _cursor.GetGetter<MLImage>(_mask!.Value)(ref mask!);
        return (image, mask);
    }

    private static Func<bool> BoolGetter(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        var getter = cursor.GetGetter<bool>(column);
        return () =>
        {
            bool v = false;
            getter(ref v);
            return v;
        };
    }

    private static Func<bool> SingleGetter(DataViewRowCursor cursor, DataViewSchema.Column column, string name)
    {
        var getter = cursor.GetGetter<float>(column);
        return () =>
        {
            float v = 0;
            getter(ref v);
            return DaClipLabels.FromSingle(v, name, cursor.Position);
        };
    }
}
