using System.Collections;
using System.IO.Compression;
using DaClip.MLNet.IO;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace DaClip.MLNet.Training.Clip;

/// <summary>Container formats of CLIP checkpoints that <see cref="ClipCheckpoint"/> reads.</summary>
internal enum ClipCheckpointFormat
{
    /// <summary>OpenAI's released TorchScript archives (<c>ViT-L-14-336px.pt</c> etc.), read by libtorch's own loader.</summary>
    TorchScript,
    /// <summary>A <c>torch.save(state_dict)</c> zip, read with TorchSharp.PyBridge's unpickler.</summary>
    TorchSave,
    /// <summary>A <c>.safetensors</c> file, read by <see cref="SafetensorsFile"/> (memory-mapped).</summary>
    Safetensors,
}

/// <summary>What a checkpoint holds: format, key naming, inferred architecture, sizes.</summary>
/// <param name="Path">The file.</param>
/// <param name="Format">Container format.</param>
/// <param name="HuggingFaceNames">True when the keys used Hugging Face names (mapped to OpenAI's).</param>
/// <param name="Config">The inferred architecture.</param>
/// <param name="TensorCount">Tensors after mapping and after dropping non-weights.</param>
/// <param name="ParameterCount">Scalars in those tensors.</param>
/// <param name="SourceDTypes">Element types found in the file, with their tensor counts.</param>
/// <param name="SkippedKeys">Entries that are not model weights and were ignored (TorchScript's int64 attributes, HF position ids).</param>
internal sealed record ClipCheckpointInfo(
    string Path,
    ClipCheckpointFormat Format,
    bool HuggingFaceNames,
    ClipConfig Config,
    int TensorCount,
    long ParameterCount,
    IReadOnlyDictionary<string, int> SourceDTypes,
    IReadOnlyList<string> SkippedKeys);

/// <summary>
/// Loads OpenAI CLIP ViT checkpoints into <see cref="ClipModel"/>: OpenAI's TorchScript archives (fp16 weights are
/// widened to fp32, the extra int64 entries skipped), <c>torch.save(state_dict)</c> zips, <c>.safetensors</c>, and
/// Hugging Face <c>openai/clip-vit-*</c> key names in either of the last two. The architecture is inferred from tensor
/// shapes as OpenAI's <c>build_model</c> does. Every failure is a <see cref="ClipCheckpointException"/> naming the file.
/// </summary>
internal static class ClipCheckpoint
{
    private static readonly HashSet<string> TorchScriptAttributes = new(StringComparer.Ordinal) { "input_resolution", "context_length", "vocab_size" };

    /// <summary>Reads the checkpoint and builds a float32 model on <paramref name="device"/> (CPU by default).</summary>
    public static ClipModel Load(string path, Device? device = null) => Load(path, out _, device);

    /// <summary>Reads the checkpoint and builds a float32 model; <paramref name="info"/> describes what was read.</summary>
    public static ClipModel Load(string path, out ClipCheckpointInfo info, Device? device = null)
    {
        LibTorchNative.EnsureLoaded();
        using var guard = ScalarLifetimeGuard.Enter();
        var stateDict = ReadStateDict(path, out info);
        try
        {
            var model = new ClipModel(info.Config);
            LoadInto(model, stateDict, path);
            model.eval();
            if (device is not null && device.type != DeviceType.CPU) model.to(device);
            return model;
        }
        finally
        {
            foreach (var t in stateDict.Values) t.Dispose();
        }
    }

    /// <summary>Reads only what <see cref="ClipCheckpointInfo"/> reports.</summary>
    public static ClipCheckpointInfo Inspect(string path)
    {
        var sd = ReadStateDict(path, out var info);
        foreach (var t in sd.Values) t.Dispose();
        return info;
    }

    /// <summary>
    /// Reads the checkpoint as an OpenAI-named float32 state dict (CPU tensors owned by the caller), validated against the
    /// inferred architecture: every key present, none extra, every shape right.
    /// </summary>
    public static Dictionary<string, Tensor> ReadStateDict(string path, out ClipCheckpointInfo info)
    {
        if (!File.Exists(path))
            throw new ClipCheckpointException(path, ClipCheckpointProblem.NotFound,
                "file not found. Download a checkpoint with `daclip download ViT-L-14-336` or pass the path of an OpenAI CLIP .pt/.safetensors file.");
        if (new FileInfo(path).Length == 0)
            throw new ClipCheckpointException(path, ClipCheckpointProblem.Truncated, "is empty (0 bytes): the download did not complete. Download it again.");

        var dtypes = new Dictionary<string, int>(StringComparer.Ordinal);
        var skipped = new List<string>();
        var format = DetectFormat(path);
        var raw = format switch
        {
            ClipCheckpointFormat.Safetensors => ReadSafetensors(path, dtypes),
            ClipCheckpointFormat.TorchSave => ReadTorchSave(path, dtypes),
            _ => ReadTorchScript(path, dtypes),
        };

        foreach (var key in raw.Keys.ToList())
        {
            var t = raw[key];
            bool attribute = TorchScriptAttributes.Contains(key) && !t.is_floating_point();
            if (attribute)
            {
                skipped.Add(key);
                raw.Remove(key);
                t.Dispose();
            }
        }

        bool hf = HuggingFaceClipKeys.IsHuggingFace(raw.Keys);
        if (hf)
        {
            skipped.AddRange(raw.Keys.Where(k => k.EndsWith("embeddings.position_ids", StringComparison.Ordinal)));
            try
            {
                raw = HuggingFaceClipKeys.ToOpenAi(raw);
            }
            catch (Exception e) when (e is not DaClipException)
            {
                foreach (var t in raw.Values) t.Dispose();
                throw new ClipCheckpointException(path, ClipCheckpointProblem.ShapeMismatch,
                    $"has Hugging Face CLIP names but tensors that cannot be mapped to OpenAI's layout ({e.Message.Split('\n')[0]}). The file is corrupt or not a CLIP ViT checkpoint.", e);
            }
        }

        foreach (var key in raw.Keys.ToList())
        {
            var t = raw[key];
            if (t.dtype != ScalarType.Float32)
            {
                raw[key] = t.to(ScalarType.Float32);
                t.Dispose();
            }
        }

        try
        {
            var shapes = raw.ToDictionary(kv => kv.Key, kv => kv.Value.shape, StringComparer.Ordinal);
            var config = ClipConfig.Infer(shapes, path);
            Validate(config, shapes, path);
            info = new ClipCheckpointInfo(path, format, hf, config, raw.Count, raw.Values.Sum(t => t.numel()), dtypes, skipped);
            return raw;
        }
        catch
        {
            foreach (var t in raw.Values) t.Dispose();
            throw;
        }
    }

    /// <summary>Copies a validated OpenAI-named state dict into <paramref name="model"/>'s parameters.</summary>
    public static void LoadInto(ClipModel model, IReadOnlyDictionary<string, Tensor> stateDict, string source)
    {
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);
        Validate(model.Config, stateDict.ToDictionary(kv => kv.Key, kv => kv.Value.shape, StringComparer.Ordinal), source);
        using var _ = torch.no_grad();
        foreach (var (name, p) in parameters) p.copy_(stateDict[name]);
    }

    private static void Validate(ClipConfig config, IReadOnlyDictionary<string, long[]> shapes, string path)
    {
        var expected = config.ExpectedShapes();
        var missing = expected.Keys.Where(k => !shapes.ContainsKey(k)).ToList();
        if (missing.Count > 0)
            throw new ClipCheckpointException(path, ClipCheckpointProblem.MissingKey,
                $"lacks {missing.Count} tensor(s) a {config.ArchitectureName} CLIP needs, e.g. {string.Join(", ", missing.Take(5))}. The file is incomplete or not an OpenAI CLIP checkpoint.");
        var extra = shapes.Keys.Where(k => !expected.ContainsKey(k)).ToList();
        if (extra.Count > 0)
            throw new ClipCheckpointException(path, ClipCheckpointProblem.UnexpectedKey,
                $"has {extra.Count} tensor(s) that are not part of a CLIP ViT, e.g. {string.Join(", ", extra.Take(5))}. Pass a plain CLIP checkpoint (not a fine-tuned model with extra heads).");
        foreach (var (key, shape) in expected)
        {
            if (!shape.SequenceEqual(shapes[key]))
                throw new ClipCheckpointException(path, ClipCheckpointProblem.ShapeMismatch,
                    $"tensor '{key}' has shape [{string.Join(", ", shapes[key])}] but the inferred {config.ArchitectureName} architecture needs [{string.Join(", ", shape)}].");
        }
    }

    /// <summary>Identifies the container format from the file's first bytes and, for zips, its entry names.</summary>
    public static ClipCheckpointFormat DetectFormat(string path)
    {
        Span<byte> head = stackalloc byte[4];
        int n;
        using (var fs = File.OpenRead(path)) n = fs.Read(head);
        if (n == 4 && head[0] == (byte)'P' && head[1] == (byte)'K' && head[2] == 3 && head[3] == 4)
        {
            try
            {
                using var zip = ZipFile.OpenRead(path);
                var names = zip.Entries.Select(e => e.FullName).ToList();
                if (names.Any(e => e.EndsWith("/constants.pkl", StringComparison.Ordinal) || e.Contains("/code/", StringComparison.Ordinal)))
                    return ClipCheckpointFormat.TorchScript;
                if (names.Any(e => e.EndsWith("/data.pkl", StringComparison.Ordinal) || e == "data.pkl"))
                    return ClipCheckpointFormat.TorchSave;
                throw new ClipCheckpointException(path, ClipCheckpointProblem.UnknownFormat,
                    "is a zip file but neither a torch.save archive nor a TorchScript archive (no data.pkl).");
            }
            catch (InvalidDataException e)
            {
                throw new ClipCheckpointException(path, ClipCheckpointProblem.Truncated,
                    "is a damaged zip archive (its central directory is missing: the file is truncated or corrupt). Download it again.", e);
            }
        }
        if (SafetensorsFile.LooksLikeSafetensors(path)) return ClipCheckpointFormat.Safetensors;
        if (n >= 2 && head[0] == 0x80 && head[1] <= 5)
            throw new ClipCheckpointException(path, ClipCheckpointProblem.UnknownFormat,
                "is a legacy (pre-1.6, non-zip) torch.save file, which is not supported. Re-save it in Python with torch.save(state_dict, path) (zip format) or convert it to .safetensors.");
        throw new ClipCheckpointException(path, ClipCheckpointProblem.UnknownFormat,
            "is not a CLIP checkpoint: expected an OpenAI TorchScript archive (.pt), a torch.save zip, or a .safetensors file.");
    }

    private static void Count(Dictionary<string, int> dtypes, string name) =>
        dtypes[name] = dtypes.TryGetValue(name, out var c) ? c + 1 : 1;

    private static Dictionary<string, Tensor> ReadSafetensors(string path, Dictionary<string, int> dtypes)
    {
        SafetensorsFile file;
        try
        {
            file = SafetensorsFile.Open(path);
        }
        catch (DaClipFileFormatException e)
        {
            var kind = e.Problem.Contains("truncated", StringComparison.OrdinalIgnoreCase) ? ClipCheckpointProblem.Truncated : ClipCheckpointProblem.Corrupt;
            throw new ClipCheckpointException(path, kind, e.Problem, e);
        }
        using (file)
        {
            var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            foreach (var e in file.Entries)
            {
                Count(dtypes, e.DType.ToString());
                result[e.Name] = e.DType switch
                {
                    SafetensorsDType.F32 or SafetensorsDType.F16 or SafetensorsDType.BF16 or SafetensorsDType.F64 =>
                        torch.tensor(file.ReadSingle(e.Name), e.Shape),
                    _ => torch.tensor(file.ReadInt64(e.Name), e.Shape),
                };
            }
            return result;
        }
    }

    private static Dictionary<string, Tensor> ReadTorchSave(string path, Dictionary<string, int> dtypes)
    {
        Hashtable table;
        try
        {
            table = PyTorchUnpickler.UnpickleStateDict(path);
        }
        catch (Exception e) when (e is not ClipCheckpointException)
        {
            throw new ClipCheckpointException(path, ClipCheckpointProblem.Corrupt,
                $"could not be unpickled as a torch.save state dict ({e.GetType().Name}: {e.Message}). The file is corrupt, or holds a whole pickled model rather than its state_dict().", e);
        }
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in table)
        {
            if (entry.Value is not Tensor t)
                throw new ClipCheckpointException(path, ClipCheckpointProblem.Corrupt, $"entry '{entry.Key}' is not a tensor: expected a plain state dict.");
            Count(dtypes, t.dtype.ToString());
            result[(string)entry.Key] = t;
        }
        return result;
    }

    private static Dictionary<string, Tensor> ReadTorchScript(string path, Dictionary<string, int> dtypes)
    {
        jit.ScriptModule module;
        try
        {
            module = torch.jit.load(path, DeviceType.CPU);
        }
        catch (Exception e)
        {
            throw new ClipCheckpointException(path, ClipCheckpointProblem.Corrupt,
                $"could not be read as a TorchScript archive ({e.Message.Split('\n')[0]}). The file is corrupt or truncated: download it again.", e);
        }
        using (module)
        {
            var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            foreach (var (name, t) in module.named_parameters())
            {
                Count(dtypes, t.dtype.ToString());
                result[name] = t.detach().clone();
            }
            foreach (var (name, t) in module.named_buffers())
            {
                Count(dtypes, t.dtype.ToString());
                result[name] = t.detach().clone();
            }
            return result;
        }
    }
}
