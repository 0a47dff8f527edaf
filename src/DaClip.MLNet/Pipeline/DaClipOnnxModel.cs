using System.Buffers.Binary;
using System.Globalization;
using DaClip.MLNet.Imaging;
using DaClip.MLNet.Scoring;
using Google.Protobuf;
using Onnx;

namespace DaClip.MLNet.Pipeline;

/// <summary>
/// An exported DA-CLIP ONNX model held as its protobuf: checks the DA-CLIP contract, reads the image size, fit and the
/// threshold <c>predicted_label</c> compares against, and rewrites that threshold and the metadata. The threshold is
/// found by following <c>predicted_label</c> back through <c>Identity</c> / <c>Cast</c> nodes to its <c>Greater</c>
/// node, whose other input is a scalar constant (initializer or <c>Constant</c> node).
/// </summary>
internal sealed class DaClipOnnxModel
{
    private const int OnnxFloat = 1, OnnxBool = 9, OnnxFloat16 = 10, OnnxDouble = 11;

    private readonly ModelProto _model;
    private readonly TensorProto _threshold;

    private DaClipOnnxModel(ModelProto model, string source)
    {
        _model = model;
        Source = source;
        CheckContract();
        ImageSize = ReadImageSize();
        Fit = ReadFit();
        _threshold = FindThresholdTensor();
    }

    /// <summary>Parses serialised model bytes; <paramref name="source"/> names them in errors.</summary>
    /// <exception cref="DaClipFileFormatException">Not an ONNX model, or not a DA-CLIP model this library can wrap.</exception>
    public static DaClipOnnxModel Parse(byte[] bytes, string source)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(CodedInputStream.CreateWithLimits(new MemoryStream(bytes, writable: false), int.MaxValue, 1000));
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new DaClipFileFormatException(source, $"not an ONNX model ({e.Message}). Pass a model exported by DaClip.MLNet.", e);
        }
        if (model.Graph is null)
            throw new DaClipFileFormatException(source, "not an ONNX model (no graph). Pass a model exported by DaClip.MLNet.");
        return new DaClipOnnxModel(model, source);
    }

    /// <summary>Where the bytes came from.</summary>
    public string Source { get; }

    /// <summary>Side S of the square input.</summary>
    public int ImageSize { get; }

    /// <summary>The fit the model was trained with (<see cref="DaClipModelMetadata.ImageFit"/>; Stretch when absent).</summary>
    public ImageFit Fit { get; }

    /// <summary>The threshold <c>predicted_label</c> compares the score against, read from the graph.</summary>
    public float Threshold => ReadScalar(_threshold);

    /// <summary>The value of metadata <paramref name="key"/>, or null.</summary>
    public string? GetMetadata(string key) => _model.MetadataProps.FirstOrDefault(p => p.Key == key)?.Value;

    /// <summary>All metadata entries.</summary>
    public IReadOnlyDictionary<string, string> Metadata =>
        _model.MetadataProps.GroupBy(p => p.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last().Value, StringComparer.Ordinal);

    /// <summary>Sets (replaces) metadata <paramref name="key"/>.</summary>
    public void SetMetadata(string key, string value)
    {
        var existing = _model.MetadataProps.Where(p => p.Key == key).ToList();
        foreach (var e in existing) _model.MetadataProps.Remove(e);
        _model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
    }

    /// <summary>Rewrites the threshold in the graph (rounded to the tensor's precision) and in <see cref="DaClipModelMetadata.Threshold"/>.</summary>
    public void SetThreshold(float threshold)
    {
        if (!float.IsFinite(threshold)) throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "The threshold must be a finite number.");
        WriteScalar(_threshold, threshold);
        SetMetadata(DaClipModelMetadata.Threshold, Threshold.ToString("R", CultureInfo.InvariantCulture));
    }

    /// <summary>The serialised model.</summary>
    public byte[] ToBytes() => _model.ToByteArray();

    private void CheckContract()
    {
        var format = GetMetadata(DaClipModelMetadata.Format);
        if (format != DaClipModelMetadata.FormatName)
            throw new DaClipFileFormatException(Source, format is null
                ? $"not a DA-CLIP model: the metadata key '{DaClipModelMetadata.Format}' is missing. Use a model exported by DaClip.MLNet (daclip export), not a CLIP or other ONNX model."
                : $"not a DA-CLIP model: '{DaClipModelMetadata.Format}' is '{format}', expected '{DaClipModelMetadata.FormatName}'.");
        var versionText = GetMetadata(DaClipModelMetadata.FormatVersion);
        if (!int.TryParse(versionText, NumberStyles.None, CultureInfo.InvariantCulture, out int version) || version < 1)
            throw new DaClipFileFormatException(Source, $"the metadata key '{DaClipModelMetadata.FormatVersion}' is missing or not a positive integer. Re-export the model with DaClip.MLNet.");
        if (version > DaClipModelMetadata.CurrentFormatVersion)
            throw new DaClipFileFormatException(Source, $"the model uses DA-CLIP format version {version}; this DaClip.MLNet reads up to version {DaClipModelMetadata.CurrentFormatVersion}. Update the DaClip.MLNet package.");

        var graph = _model.Graph;
        var initializers = graph.Initializer.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var inputs = graph.Input.Where(i => !initializers.Contains(i.Name)).ToList();
        if (inputs.Count != 1 || inputs[0].Name != DaClipModelTensors.Pixels)
            throw new DaClipFileFormatException(Source, $"the model's inputs are [{string.Join(", ", inputs.Select(i => i.Name))}]; a DA-CLIP model has the single input '{DaClipModelTensors.Pixels}'. Re-export the model with DaClip.MLNet.");
        var pixels = inputs[0].Type?.TensorType;
        if (pixels is null || pixels.ElemType != OnnxFloat || pixels.Shape is null || pixels.Shape.Dim.Count != 4
            || (pixels.Shape.Dim[1].ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue && pixels.Shape.Dim[1].DimValue != 3))
            throw new DaClipFileFormatException(Source, $"input '{DaClipModelTensors.Pixels}' must be float32 [N, 3, S, S]. Re-export the model with DaClip.MLNet.");
        foreach (var (name, type) in new[] { (DaClipModelTensors.Score, OnnxFloat), (DaClipModelTensors.PredictedLabel, OnnxBool), (DaClipModelTensors.AnomalyMap, OnnxFloat) })
        {
            var output = graph.Output.FirstOrDefault(o => o.Name == name);
            if (output is null)
                throw new DaClipFileFormatException(Source, $"the model lacks the output '{name}' of the DA-CLIP contract (it has [{string.Join(", ", graph.Output.Select(o => o.Name))}]). Re-export the model with DaClip.MLNet.");
            if (output.Type?.TensorType?.ElemType != type)
                throw new DaClipFileFormatException(Source, $"output '{name}' has ONNX element type {output.Type?.TensorType?.ElemType}; the DA-CLIP contract needs {type}. Re-export the model with DaClip.MLNet.");
        }
    }

    private int ReadImageSize()
    {
        var dims = _model.Graph.Input.First(i => i.Name == DaClipModelTensors.Pixels).Type.TensorType.Shape.Dim;
        long? Fixed(int i) => dims[i].ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue && dims[i].DimValue > 0 ? dims[i].DimValue : null;
        var text = GetMetadata(DaClipModelMetadata.ImageSize);
        if (text is not null)
        {
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int size) || size <= 0)
                throw new DaClipFileFormatException(Source, $"metadata '{DaClipModelMetadata.ImageSize}' is '{text}', not a positive integer. Re-export the model with DaClip.MLNet.");
            if ((Fixed(2) is long h && h != size) || (Fixed(3) is long w && w != size))
                throw new DaClipFileFormatException(Source, $"metadata '{DaClipModelMetadata.ImageSize}' says {size} but input '{DaClipModelTensors.Pixels}' is {Fixed(2)} x {Fixed(3)}. Re-export the model with DaClip.MLNet.");
            return size;
        }
        if (Fixed(2) is long s && Fixed(3) == s) return (int)s;
        throw new DaClipFileFormatException(Source, $"the image size is unknown: no '{DaClipModelMetadata.ImageSize}' metadata and input '{DaClipModelTensors.Pixels}' has no fixed square size. Re-export the model with DaClip.MLNet.");
    }

    private ImageFit ReadFit()
    {
        var text = GetMetadata(DaClipModelMetadata.ImageFit);
        if (text is null) return ImageFit.Stretch;
        return Enum.TryParse<ImageFit>(text, ignoreCase: false, out var fit) && Enum.IsDefined(fit) ? fit
            : throw new DaClipFileFormatException(Source, $"metadata '{DaClipModelMetadata.ImageFit}' is '{text}'; expected one of {string.Join(", ", Enum.GetNames<ImageFit>())}.");
    }

    private TensorProto FindThresholdTensor()
    {
        var graph = _model.Graph;
        NodeProto? Producer(string value) => graph.Node.FirstOrDefault(n => n.Output.Contains(value));
        var node = Producer(DaClipModelTensors.PredictedLabel);
        while (node is { OpType: "Identity" or "Cast" } && node.Input.Count > 0) node = Producer(node.Input[0]);
        if (node is not { OpType: "Greater" } || node.Input.Count != 2)
            throw new DaClipFileFormatException(Source, $"'{DaClipModelTensors.PredictedLabel}' is not computed by a Greater node comparing the score with a threshold, so the threshold cannot be changed. Re-export the model with DaClip.MLNet.");
        var constant = Constant(node.Input[1]);
        if (constant is null)
            throw new DaClipFileFormatException(Source, $"the threshold of '{DaClipModelTensors.PredictedLabel}' (the second input of its Greater node, '{node.Input[1]}') is not a constant scalar. Re-export the model with DaClip.MLNet.");
        return constant;

        TensorProto? Constant(string name)
        {
            var tensor = graph.Initializer.FirstOrDefault(i => i.Name == name)
                ?? (Producer(name) is { OpType: "Constant" } c ? c.Attribute.FirstOrDefault(a => a.Name == "value")?.T : null);
            if (tensor is null || tensor.DataType is not (OnnxFloat or OnnxFloat16 or OnnxDouble) || tensor.Dims.Aggregate(1L, (a, d) => a * d) != 1) return null;
            if (tensor.DataLocation == TensorProto.Types.DataLocation.External) return null;
            return tensor;
        }
    }

    private static float ReadScalar(TensorProto t)
    {
        var raw = t.RawData.Span;
        return t.DataType switch
        {
            OnnxFloat => raw.Length == 4 ? BinaryPrimitives.ReadSingleLittleEndian(raw) : t.FloatData[0],
            OnnxDouble => (float)(raw.Length == 8 ? BinaryPrimitives.ReadDoubleLittleEndian(raw) : t.DoubleData[0]),
            _ => (float)(raw.Length == 2 ? BinaryPrimitives.ReadHalfLittleEndian(raw) : BitConverter.UInt16BitsToHalf((ushort)t.Int32Data[0])),
        };
    }

    private static void WriteScalar(TensorProto t, float value)
    {
        t.FloatData.Clear();
        t.DoubleData.Clear();
        t.Int32Data.Clear();
        var bytes = new byte[t.DataType switch { OnnxFloat => 4, OnnxDouble => 8, _ => 2 }];
        switch (t.DataType)
        {
            case OnnxFloat: BinaryPrimitives.WriteSingleLittleEndian(bytes, value); break;
            case OnnxDouble: BinaryPrimitives.WriteDoubleLittleEndian(bytes, value); break;
            default: BinaryPrimitives.WriteHalfLittleEndian(bytes, (Half)value); break;
        }
        t.RawData = ByteString.CopyFrom(bytes);
    }
}
