using DaClip.MLNet.Pipeline;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using DaClip.MLNet.Imaging;
using Microsoft.ML.OnnxRuntime;

namespace DaClip.MLNet.Scoring;

/// <summary>
/// Everything an exported DA-CLIP model says about itself, and the one place where it is written and read: the
/// input / output tensors (<see cref="DaClipModelTensors"/>), the image size and fit, the threshold of
/// <c>predicted_label</c>, the network options, the backbone, the precision, the method and the versions
/// (<see cref="DaClipModelMetadata"/> keys). The exporter writes it (<see cref="ToMetadata"/>); the scorer, the
/// ML.NET transformer, the CLI and the server read it (<see cref="Read(byte[], string)"/>, or from an ONNX Runtime
/// session) and so check a model by the same rules. The model is the threshold's only home: options seed it at export,
/// and <see cref="WithThreshold"/> rewrites it in the graph and the metadata together.
/// </summary>
public sealed record DaClipModelContract
{
    /// <summary>The <see cref="Method"/> of DA-CLIP models (trained adapters and DAR).</summary>
    public const string MethodDaClip = "da-clip";

    /// <summary>The <see cref="Method"/> of the training-free baseline (compositional prompt ensemble).</summary>
    public const string MethodZeroShot = "zero-shot-ensemble";

    private const int OnnxFloat = 1, OnnxBool = 9;

    /// <summary>Version of the input / output contract (<see cref="DaClipModelMetadata.CurrentFormatVersion"/> when written).</summary>
    public int FormatVersion { get; init; } = DaClipModelMetadata.CurrentFormatVersion;

    /// <summary>Version of the DaClip.MLNet library that exported the model; null when not recorded.</summary>
    public string? LibraryVersion { get; init; }

    /// <summary>Side S of the square input <c>pixels</c> [N, 3, S, S] and of <c>anomaly_map</c> [N, 1, S, S].</summary>
    public required int ImageSize { get; init; }

    /// <summary>How images are fitted to S x S (the fit the model was trained with; Stretch when not recorded).</summary>
    public ImageFit Fit { get; init; } = ImageFit.Stretch;

    /// <summary>The threshold <c>predicted_label</c> compares the score against (score &gt; threshold).</summary>
    public required float Threshold { get; init; }

    /// <summary>Side g of <c>patch_map</c> [N, 1, g, g]; null when neither the metadata nor the output shape says.</summary>
    public int? PatchGrid { get; init; }

    /// <summary>The CLIP backbone's architecture name, e.g. <c>ViT-L/14@336px</c>; null when not recorded.</summary>
    public string? Backbone { get; init; }

    /// <summary>Content hash of the backbone weights the model was built on; null when not recorded.</summary>
    public string? BackboneFingerprint { get; init; }

    /// <summary><see cref="MethodDaClip"/> or <see cref="MethodZeroShot"/> (models that do not say are DA-CLIP).</summary>
    public string Method { get; init; } = MethodDaClip;

    /// <summary><c>Float32</c>, <c>Float16</c> or <c>Int8</c>; null for models exported before it was recorded (Float32 or Float16).</summary>
    public string? Precision { get; init; }

    /// <summary>For Int8 models: the operators of the quantised matrix products; otherwise null.</summary>
    public string? Int8Form { get; init; }

    /// <summary>
    /// The network options the model was exported with (alpha, beta, tau, top-k, sigma, layers, prompts ...); null when
    /// not recorded. The stored form holds no threshold: read back, its <see cref="DaClipModelOptions.Threshold"/> is <see cref="Threshold"/>.
    /// </summary>
    public DaClipModelOptions? NetworkOptions { get; init; }

    /// <summary>Every metadata entry of the model as read (including keys this type does not interpret); empty for a contract built in code.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The outputs of the contract, with element types and shapes (N batch, S image side, g patch grid).</summary>
    public static IReadOnlyList<(string Name, string Type, string Shape)> Outputs { get; } =
    [
        (DaClipModelTensors.Score, "float32", "[N]"), (DaClipModelTensors.PredictedLabel, "bool", "[N]"),
        (DaClipModelTensors.AnomalyMap, "float32", "[N, 1, S, S]"), (DaClipModelTensors.GlobalProb, "float32", "[N]"),
        (DaClipModelTensors.PatchMap, "float32", "[N, 1, g, g]"),
    ];

    /// <summary>The input of the contract, e.g. <c>pixels: float32 [N, 3, 518, 518]</c>.</summary>
    public string DescribeInput() => string.Create(CultureInfo.InvariantCulture, $"{DaClipModelTensors.Pixels}: float32 [N, 3, {ImageSize}, {ImageSize}]");

    /// <summary>The metadata entries the exporter writes, in a fixed order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ToMetadata()
    {
        var entries = new List<KeyValuePair<string, string>>();
        void Add(string key, string? value)
        {
            if (value is not null) entries.Add(new(key, value));
        }
        Add(DaClipModelMetadata.Format, DaClipModelMetadata.FormatName);
        Add(DaClipModelMetadata.FormatVersion, FormatVersion.ToString(CultureInfo.InvariantCulture));
        Add(DaClipModelMetadata.Version, LibraryVersion);
        Add(DaClipModelMetadata.ImageSize, ImageSize.ToString(CultureInfo.InvariantCulture));
        Add(DaClipModelMetadata.ImageFit, Fit.ToString());
        Add(DaClipModelMetadata.PatchGrid, PatchGrid?.ToString(CultureInfo.InvariantCulture));
        Add(DaClipModelMetadata.Backbone, Backbone);
        Add(DaClipModelMetadata.BackboneFingerprint, BackboneFingerprint);
        Add(DaClipModelMetadata.Method, Method);
        Add(DaClipModelMetadata.OptionsJson, NetworkOptions is null ? null : NetworkOptionsJson(NetworkOptions));
        Add(DaClipModelMetadata.Threshold, FormatThreshold(Threshold));
        Add(DaClipModelMetadata.Precision, Precision);
        Add(DaClipModelMetadata.Int8Form, Int8Form);
        return entries;
    }

    /// <summary>
    /// Whether <paramref name="options"/> describe the same network as <see cref="NetworkOptions"/> (the threshold, which
    /// belongs to the model, is not compared); false when the model does not record its options.
    /// </summary>
    public bool DescribesNetwork(DaClipModelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return NetworkOptions is not null && NetworkOptionsJson(NetworkOptions) == NetworkOptionsJson(options);
    }

    /// <summary>Reads and checks the contract of the serialised model <paramref name="onnx"/>; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="DaClipFileFormatException">Not an ONNX model, or not a DA-CLIP model this library reads (the message names the fix).</exception>
    public static DaClipModelContract Read(byte[] onnx, string source = "<model bytes>")
    {
        ArgumentNullException.ThrowIfNull(onnx);
        return DaClipOnnxModel.Parse(onnx, source).Contract;
    }

    /// <summary>Reads and checks the contract of the model file at <paramref name="path"/> (its external weights are not read).</summary>
    /// <exception cref="DaClipFileFormatException">Missing file, not an ONNX model, or not a DA-CLIP model.</exception>
    public static DaClipModelContract Read(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path)) throw new DaClipFileFormatException(path, $"model file not found (full path '{Path.GetFullPath(path)}').");
        return Read(File.ReadAllBytes(path), path);
    }

    /// <summary>
    /// The model <paramref name="onnx"/> with its threshold set to <paramref name="threshold"/>, in the graph's constant
    /// (rounded to its precision) and in <see cref="DaClipModelMetadata.Threshold"/>; every other byte of the model is kept.
    /// </summary>
    /// <exception cref="DaClipFileFormatException">Not a DA-CLIP model, or its threshold is not a constant of the graph.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threshold"/> is not finite.</exception>
    public static byte[] WithThreshold(byte[] onnx, float threshold, string source = "<model bytes>")
    {
        ArgumentNullException.ThrowIfNull(onnx);
        var model = DaClipOnnxModel.Parse(onnx, source);
        model.SetThreshold(threshold);
        return model.ToBytes();
    }

    /// <summary>The contract of a model loaded into ONNX Runtime (the threshold from its metadata).</summary>
    /// <exception cref="DaClipFileFormatException">Not a DA-CLIP model this library reads.</exception>
    internal static DaClipModelContract Read(InferenceSession session, string source) => FromSignature(DaClipModelSignature.FromSession(session), source, graphThreshold: null);

    /// <summary>
    /// The one validation of a model: format marker and version, the single input, the five outputs with their element
    /// types and ranks, the image size (metadata against the input and map shapes), the fit, the threshold (the graph's
    /// constant when the caller could read it, else the metadata) and the recorded options.
    /// </summary>
    internal static DaClipModelContract FromSignature(DaClipModelSignature signature, string source, float? graphThreshold)
    {
        var meta = signature.Metadata;
        const string Fix = "Re-export the model with DaClip.MLNet (daclip export).";
        DaClipFileFormatException Error(string message) => new(source, message);

        if (!meta.TryGetValue(DaClipModelMetadata.Format, out var format) || format != DaClipModelMetadata.FormatName)
            throw Error(format is null
                ? $"not a DA-CLIP model: the metadata key '{DaClipModelMetadata.Format}' is missing. Use a model exported by DaClip.MLNet (daclip export), not a CLIP or other ONNX model."
                : $"not a DA-CLIP model: '{DaClipModelMetadata.Format}' is '{format}', expected '{DaClipModelMetadata.FormatName}'. Use a model exported by DaClip.MLNet.");
        if (!meta.TryGetValue(DaClipModelMetadata.FormatVersion, out var versionText)
            || !int.TryParse(versionText, NumberStyles.None, CultureInfo.InvariantCulture, out int version) || version < 1)
            throw Error($"the metadata key '{DaClipModelMetadata.FormatVersion}' is missing or not a positive integer. {Fix}");
        if (version > DaClipModelMetadata.CurrentFormatVersion)
            throw Error($"the model uses DA-CLIP format version {version}; this DaClip.MLNet reads up to version {DaClipModelMetadata.CurrentFormatVersion}. Update the DaClip.MLNet package.");

        if (signature.Inputs is not [{ Name: DaClipModelTensors.Pixels } pixels])
            throw Error($"the model's inputs are [{string.Join(", ", signature.Inputs.Select(i => i.Name))}]; a DA-CLIP model has the single input '{DaClipModelTensors.Pixels}'. {Fix}");
        if (pixels.ElementType != OnnxFloat || pixels.Dimensions is not { Length: 4 } dims || dims[1] is not (3 or -1))
            throw Error($"input '{DaClipModelTensors.Pixels}' must be float32 [N, 3, S, S]; it is {TypeName(pixels.ElementType)} {Shape(pixels.Dimensions)}. {Fix}");

        var outputs = signature.Outputs.ToDictionary(o => o.Name, StringComparer.Ordinal);
        var missing = Outputs.Where(o => !outputs.ContainsKey(o.Name)).Select(o => $"'{o.Name}'").ToList();
        if (missing.Count > 0)
            throw Error($"the model lacks the output(s) {string.Join(", ", missing)} of the DA-CLIP contract (it has [{string.Join(", ", signature.Outputs.Select(o => o.Name))}]). {Fix}");
        foreach (var (name, type, shape) in Outputs)
        {
            var output = outputs[name];
            int rank = shape.Count(c => c == ',') + 1;
            if (output.ElementType != (type == "bool" ? OnnxBool : OnnxFloat))
                throw Error($"output '{name}' is {TypeName(output.ElementType)}; the DA-CLIP contract needs {type} {shape}. {Fix}");
            if (output.Dimensions is { } d && d.Length != rank)
                throw Error($"output '{name}' has shape {Shape(d)}; the DA-CLIP contract needs {type} {shape}. {Fix}");
        }

        int size = ReadImageSize(meta, dims, Error, Fix);
        if (outputs[DaClipModelTensors.AnomalyMap].Dimensions is { } mapDims && mapDims.Skip(2).Any(d => d > 0 && d != size))
            throw Error($"output '{DaClipModelTensors.AnomalyMap}' has shape {Shape(mapDims)}; the DA-CLIP contract needs float32 [N, 1, {size}, {size}]. {Fix}");

        ImageFit fit = ImageFit.Stretch;
        if (meta.TryGetValue(DaClipModelMetadata.ImageFit, out var fitText) && !(Enum.TryParse(fitText, ignoreCase: false, out fit) && Enum.IsDefined(fit)))
            throw Error($"metadata '{DaClipModelMetadata.ImageFit}' is '{fitText}'; expected one of {string.Join(", ", Enum.GetNames<ImageFit>())}. Re-export the model, or set the fit in the scoring options.");

        float threshold;
        if (graphThreshold is float g) threshold = g;
        else if (!meta.TryGetValue(DaClipModelMetadata.Threshold, out var thresholdText))
            throw Error($"the model has no '{DaClipModelMetadata.Threshold}' metadata, so its threshold is unknown. {Fix}");
        else if (!float.TryParse(thresholdText, NumberStyles.Float, CultureInfo.InvariantCulture, out threshold) || !float.IsFinite(threshold))
            throw Error($"metadata '{DaClipModelMetadata.Threshold}' is '{thresholdText}', not a finite number. {Fix}");

        int? grid = null;
        if (meta.TryGetValue(DaClipModelMetadata.PatchGrid, out var gridText))
            grid = int.TryParse(gridText, NumberStyles.None, CultureInfo.InvariantCulture, out int gv) && gv > 0 ? gv
                : throw Error($"metadata '{DaClipModelMetadata.PatchGrid}' is '{gridText}', not a positive integer. {Fix}");
        else if (outputs[DaClipModelTensors.PatchMap].Dimensions is [_, _, > 0 and var gh, var gw] && gh == gw)
            grid = (int)gh;

        DaClipModelOptions? options = null;
        if (meta.TryGetValue(DaClipModelMetadata.OptionsJson, out var optionsJson))
        {
            try
            {
                options = DaClipModelOptions.FromJson(optionsJson) with { Threshold = threshold };
            }
            catch (Exception e) when (e is JsonException or DaClipException or NotSupportedException)
            {
                throw new DaClipFileFormatException(source, $"metadata '{DaClipModelMetadata.OptionsJson}' is not valid DA-CLIP options JSON ({e.Message}). {Fix}", e);
            }
        }

        return new DaClipModelContract
        {
            FormatVersion = version,
            LibraryVersion = meta.GetValueOrDefault(DaClipModelMetadata.Version),
            ImageSize = size,
            Fit = fit,
            Threshold = threshold,
            PatchGrid = grid,
            Backbone = meta.GetValueOrDefault(DaClipModelMetadata.Backbone),
            BackboneFingerprint = meta.GetValueOrDefault(DaClipModelMetadata.BackboneFingerprint),
            Method = meta.GetValueOrDefault(DaClipModelMetadata.Method) ?? MethodDaClip,
            Precision = meta.GetValueOrDefault(DaClipModelMetadata.Precision),
            Int8Form = meta.GetValueOrDefault(DaClipModelMetadata.Int8Form),
            NetworkOptions = options,
            Metadata = meta,
        };
    }

    /// <summary>Whether both contracts hold the same values, metadata entries compared by content.</summary>
    public bool Equals(DaClipModelContract? other) =>
        other is not null && FormatVersion == other.FormatVersion && LibraryVersion == other.LibraryVersion && ImageSize == other.ImageSize
        && Fit == other.Fit && Threshold.Equals(other.Threshold) && PatchGrid == other.PatchGrid && Backbone == other.Backbone
        && BackboneFingerprint == other.BackboneFingerprint && Method == other.Method && Precision == other.Precision && Int8Form == other.Int8Form
        && Equals(NetworkOptions, other.NetworkOptions)
        && Metadata.Count == other.Metadata.Count && Metadata.All(kv => other.Metadata.TryGetValue(kv.Key, out var v) && v == kv.Value);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(ImageSize, Fit, Threshold, PatchGrid, Backbone, Method, Precision);

    /// <summary>The threshold as the metadata stores it (round-trip invariant-culture text).</summary>
    internal static string FormatThreshold(float threshold) => threshold.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>The options as stored in <see cref="DaClipModelMetadata.OptionsJson"/>: their JSON without the threshold, which the model holds.</summary>
    private static string NetworkOptionsJson(DaClipModelOptions options)
    {
        var json = (JsonObject)JsonNode.Parse(options.ToJson())!;
        json.Remove(nameof(DaClipModelOptions.Threshold));
        return json.ToJsonString();
    }

    private static int ReadImageSize(IReadOnlyDictionary<string, string> meta, long[] dims, Func<string, DaClipFileFormatException> error, string fix)
    {
        if (meta.TryGetValue(DaClipModelMetadata.ImageSize, out var text))
        {
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int size) || size <= 0)
                throw error($"metadata '{DaClipModelMetadata.ImageSize}' is '{text}', not a positive integer. {fix}");
            if ((dims[2] > 0 && dims[2] != size) || (dims[3] > 0 && dims[3] != size))
                throw error($"metadata '{DaClipModelMetadata.ImageSize}' says {size} but input '{DaClipModelTensors.Pixels}' is {Shape(dims)}. {fix}");
            return size;
        }
        if (dims[2] > 0 && dims[2] == dims[3]) return (int)dims[2];
        throw error($"the image size is unknown: no '{DaClipModelMetadata.ImageSize}' metadata and input '{DaClipModelTensors.Pixels}' has no fixed square size ({Shape(dims)}). {fix}");
    }

    private static string Shape(long[]? dims) => dims is null ? "(no shape)" : "[" + string.Join(", ", dims.Select(d => d > 0 ? d.ToString(CultureInfo.InvariantCulture) : "?")) + "]";

    private static string TypeName(int onnxType) => onnxType switch
    {
        OnnxFloat => "float32",
        OnnxBool => "bool",
        10 => "float16",
        11 => "float64",
        0 => "not a tensor",
        _ => $"ONNX element type {onnxType}",
    };
}
