using System.Buffers.Binary;
using DaClip.MLNet.Scoring;
using Google.Protobuf;
using Onnx;

namespace DaClip.MLNet.Pipeline;

/// <summary>
/// An exported DA-CLIP ONNX model held as its protobuf, the editor behind <see cref="DaClipModelContract"/>: it reads
/// the contract (validated by <see cref="DaClipModelContract.FromSignature"/>, with the threshold taken from the graph)
/// and rewrites the threshold and metadata entries in place, keeping every other byte. The threshold is found by
/// following <c>predicted_label</c> back through <c>Identity</c> / <c>Cast</c> nodes to its <c>Greater</c> node, whose
/// other input is a scalar constant (initializer or <c>Constant</c> node).
/// </summary>
internal sealed class DaClipOnnxModel
{
    private const int OnnxFloat = 1, OnnxFloat16 = 10, OnnxDouble = 11;

    private readonly ModelProto _model;
    private readonly TensorProto? _threshold;
    private readonly string? _thresholdProblem;

    private DaClipOnnxModel(ModelProto model, string source)
    {
        _model = model;
        Source = source;
        _threshold = FindThresholdTensor(out _thresholdProblem);
        Contract = ReadContract();
    }

    /// <summary>Parses serialised model bytes; <paramref name="source"/> names them in errors.</summary>
    /// <exception cref="DaClipFileFormatException">Not an ONNX model, or not a DA-CLIP model this library can wrap.</exception>
    public static DaClipOnnxModel Parse(byte[] bytes, string source) => new(ParseProto(bytes, source), source);

    /// <summary>
    /// The model when its metadata marks it as a DA-CLIP model (then checked like <see cref="Parse"/>, errors included);
    /// null for any other ONNX model or bytes that are not one.
    /// </summary>
    public static DaClipOnnxModel? ParseIfMarked(byte[] bytes, string source)
    {
        ModelProto model;
        try
        {
            model = ParseProto(bytes, source);
        }
        catch (DaClipFileFormatException)
        {
            return null;
        }
        return model.MetadataProps.Any(p => p.Key == DaClipModelMetadata.Format && p.Value == DaClipModelMetadata.FormatName) ? new(model, source) : null;
    }

    private static ModelProto ParseProto(byte[] bytes, string source)
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
        return model;
    }

    /// <summary>Where the bytes came from.</summary>
    public string Source { get; }

    /// <summary>The model's contract as it is now (updated by <see cref="SetThreshold"/> and <see cref="SetMetadata"/>).</summary>
    public DaClipModelContract Contract { get; private set; }

    /// <summary>The value of metadata <paramref name="key"/>, or null.</summary>
    public string? GetMetadata(string key) => _model.MetadataProps.FirstOrDefault(p => p.Key == key)?.Value;

    /// <summary>Sets metadata <paramref name="key"/>: the existing entry's value is replaced in place, else an entry is added at the end.</summary>
    public void SetMetadata(string key, string value)
    {
        var entries = _model.MetadataProps.Where(p => p.Key == key).ToList();
        if (entries.Count == 0) _model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        else
        {
            entries[0].Value = value;
            foreach (var extra in entries.Skip(1)) _model.MetadataProps.Remove(extra);
        }
        Contract = ReadContract();
    }

    /// <summary>Rewrites the threshold in the graph (rounded to the tensor's precision) and in <see cref="DaClipModelMetadata.Threshold"/>.</summary>
    /// <exception cref="DaClipFileFormatException">The graph's threshold is not a constant this editor can change.</exception>
    public void SetThreshold(float threshold)
    {
        if (!float.IsFinite(threshold)) throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "The threshold must be a finite number.");
        if (_threshold is null) throw new DaClipFileFormatException(Source, _thresholdProblem!);
        WriteScalar(_threshold, threshold);
        SetMetadata(DaClipModelMetadata.Threshold, DaClipModelContract.FormatThreshold(ReadScalar(_threshold)));
    }

    /// <summary>The serialised model.</summary>
    public byte[] ToBytes() => _model.ToByteArray();

    private DaClipModelContract ReadContract() =>
        DaClipModelContract.FromSignature(DaClipModelSignature.FromProto(_model), Source, _threshold is null ? null : ReadScalar(_threshold));

    private TensorProto? FindThresholdTensor(out string? problem)
    {
        problem = null;
        var graph = _model.Graph;
        NodeProto? Producer(string value) => graph.Node.FirstOrDefault(n => n.Output.Contains(value));
        var node = Producer(DaClipModelTensors.PredictedLabel);
        while (node is { OpType: "Identity" or "Cast" } && node.Input.Count > 0) node = Producer(node.Input[0]);
        if (node is not { OpType: "Greater" } || node.Input.Count != 2)
        {
            problem = $"'{DaClipModelTensors.PredictedLabel}' is not computed by a Greater node comparing the score with a threshold, so the threshold cannot be changed. Re-export the model with DaClip.MLNet.";
            return null;
        }
        var constant = Constant(node.Input[1]);
        if (constant is null)
            problem = $"the threshold of '{DaClipModelTensors.PredictedLabel}' (the second input of its Greater node, '{node.Input[1]}') is not a constant scalar, so it cannot be changed. Re-export the model with DaClip.MLNet.";
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
