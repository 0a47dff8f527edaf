using System.Globalization;
using DaClip.MLNet.IO;
using Google.Protobuf;
using Onnx;

namespace DaClip.MLNet.Training.Export;

/// <summary>
/// Builds an ONNX model: the default-domain opset, producer, metadata (<c>metadata_props</c>) and the main
/// <see cref="Graph"/>. <see cref="Build"/>, <see cref="ToBytes"/> and <see cref="Save"/> validate the graph first
/// (see <see cref="OnnxGraphException"/>); <see cref="Save"/> switches to ONNX external data for models whose weights
/// would not fit the 2 GiB protobuf limit.
/// </summary>
internal sealed class OnnxModelBuilder
{
    /// <summary>Opset used when none is given: 17, the first with <c>LayerNormalization</c>, run by every current ONNX Runtime.</summary>
    public const int DefaultOpset = 17;

    /// <summary>Lowest opset the builder writes.</summary>
    public const int MinOpset = 17;

    /// <summary>Highest opset the builder writes (ONNX Runtime 1.31 implements it).</summary>
    public const int MaxOpset = 21;

    private readonly OnnxNameScope _scope = new();
    private readonly Dictionary<string, string> _metadata = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _extraOpsets = new(StringComparer.Ordinal);

    /// <summary>Creates a builder whose main graph is named <paramref name="graphName"/>.</summary>
    public OnnxModelBuilder(string graphName = "main", int opset = DefaultOpset)
    {
        if (opset < MinOpset || opset > MaxOpset)
            throw new ArgumentOutOfRangeException(nameof(opset), opset, $"The ONNX graph builder writes opsets {MinOpset} to {MaxOpset}.");
        Opset = opset;
        Graph = new OnnxGraphBuilder(graphName, opset, _scope);
    }

    /// <summary>The default-domain (<c>ai.onnx</c>) opset version.</summary>
    public int Opset { get; }

    /// <summary>The ONNX IR version written, the lowest that carries <see cref="Opset"/> (8 for opsets 17-18, 9 for 19-20, 10 for 21).</summary>
    public long IrVersion => Opset switch { <= 18 => 8, <= 20 => 9, _ => 10 };

    /// <summary>The main graph.</summary>
    public OnnxGraphBuilder Graph { get; }

    /// <summary>Written to <c>producer_name</c>.</summary>
    public string ProducerName { get; set; } = "DaClip.MLNet";

    /// <summary>Written to <c>producer_version</c>; defaults to this assembly's version.</summary>
    public string ProducerVersion { get; set; } =
        typeof(OnnxModelBuilder).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    /// <summary>Written to <c>model_version</c>.</summary>
    public long ModelVersion { get; set; }

    /// <summary>Written to the model's <c>doc_string</c>.</summary>
    public string DocString { get; set; } = "";

    /// <summary>The metadata set so far.</summary>
    public IReadOnlyDictionary<string, string> Metadata => _metadata;

    /// <summary>Sets a <c>metadata_props</c> entry (ONNX Runtime exposes them as custom metadata).</summary>
    public void SetMetadata(string key, string value)
    {
        if (string.IsNullOrWhiteSpace(key)) throw new ArgumentException("A metadata key must be non-empty.", nameof(key));
        _metadata[key] = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>Imports an operator set of another domain (e.g. <c>com.microsoft</c>) for nodes that use it.</summary>
    public void AddOpsetImport(string domain, long version)
    {
        if (string.IsNullOrEmpty(domain)) throw new ArgumentException("The default domain's opset is set in the constructor.", nameof(domain));
        _extraOpsets[domain] = version;
    }

    /// <summary>Validates the graph and returns the model (a copy: later changes to the builder do not affect it).</summary>
    public ModelProto Build()
    {
        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = ProducerName,
            ProducerVersion = ProducerVersion,
            ModelVersion = ModelVersion,
            DocString = DocString,
            Graph = Graph.ToGraphProto(),
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        foreach (var (domain, version) in _extraOpsets.OrderBy(p => p.Key, StringComparer.Ordinal))
            model.OpsetImport.Add(new OperatorSetIdProto { Domain = domain, Version = version });
        foreach (var (key, value) in _metadata.OrderBy(p => p.Key, StringComparer.Ordinal))
            model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        OnnxGraphValidator.Validate(model);
        return model;
    }

    /// <summary>The serialised model, all tensors inline. Throws when the weights exceed the protobuf limit; use <see cref="Save"/> for those.</summary>
    public byte[] ToBytes()
    {
        var model = Build();
        long payload = OnnxExternalData.InitializerBytes(model.Graph);
        if (payload > new OnnxSaveOptions().ExternalDataThresholdBytes)
            throw new OnnxGraphException(
                $"The model's initializers hold {payload.ToString("N0", CultureInfo.InvariantCulture)} bytes, too many for one protobuf message (2 GiB limit). Save it to a file with Save(path), which writes the weights as ONNX external data.");
        return model.ToByteArray();
    }

    /// <summary>
    /// Validates and writes the model to <paramref name="path"/> atomically. When the weights exceed
    /// <see cref="OnnxSaveOptions.ExternalDataThresholdBytes"/>, the large tensors go to <c>&lt;file name&gt;.data</c> in
    /// the same folder (written first, also atomically), referenced by relative location, offset and length; keep the
    /// two files together. Returns the side file's path, or null when everything is inline.
    /// </summary>
    public string? Save(string path, OnnxSaveOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        options ??= new OnnxSaveOptions();
        var model = Build();
        string? dataPath = null;
        if (OnnxExternalData.InitializerBytes(model.Graph) > options.ExternalDataThresholdBytes)
        {
            dataPath = Path.GetFullPath(path) + ".data";
            OnnxExternalData.MoveToFile(model.Graph, dataPath, options);
        }
        AtomicFile.Write(path, s => model.WriteTo(s));
        return dataPath;
    }
}
