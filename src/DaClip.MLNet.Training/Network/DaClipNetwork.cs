using DaClip.MLNet.IO;
using DaClip.MLNet.Training.Clip;
using TorchSharp;
using static TorchSharp.torch;

namespace DaClip.MLNet.Training.Network;

/// <summary>Everything the network computes for a batch (batch-first).</summary>
internal sealed record DaClipOutputs
{
    /// <summary>[B, P, D] mean of the tapped patch features (the DAR's image prior).</summary>
    public required Tensor Vbar { get; init; }
    /// <summary>[B, 2, D] refined local text features T_l'.</summary>
    public required Tensor LocalText { get; init; }
    /// <summary>[B, 2, D] refined global text features T_g'.</summary>
    public required Tensor GlobalText { get; init; }
    /// <summary>[B, T, P] local maps L_t (anomaly probability per patch).</summary>
    public required Tensor LocalMaps { get; init; }
    /// <summary>[B, T, P] global-space maps G_t.</summary>
    public required Tensor GlobalMaps { get; init; }
    /// <summary>[B, g, g] fused map M.</summary>
    public required Tensor PatchMap { get; init; }
    /// <summary>[B, 2] image logits <c>g T_g'ᵀ / τ</c>.</summary>
    public required Tensor GlobalLogits { get; init; }
    /// <summary>[B] image anomaly probability p_g.</summary>
    public required Tensor GlobalProbability { get; init; }
    /// <summary>[B] top-k mean of M.</summary>
    public required Tensor TopKMean { get; init; }
    /// <summary>[B] image score.</summary>
    public required Tensor Score { get; init; }
    /// <summary>[B, S, S] upsampled M (before smoothing), when pixel maps were asked for.</summary>
    public Tensor? UpsampledMap { get; init; }
    /// <summary>[B, S, S] smoothed pixel anomaly map, when pixel maps were asked for.</summary>
    public Tensor? AnomalyMap { get; init; }
    /// <summary>DAR intermediates, when the DAR is used.</summary>
    public DarIntermediates? Dar { get; init; }
}

/// <summary>
/// The DA-CLIP network (METHOD §1–§5) over a frozen <see cref="ClipModel"/>: V-V local path, object-agnostic prompts
/// with Token Adapters in two decoupled text branches, the DAR block, maps and scores. Only the modules registered
/// here learn (<c>text.*</c>, <c>dar.*</c>: METHOD §9 names); the backbone is held, frozen, outside the state dict.
/// <see cref="Predict"/> is the plain reference the ONNX export is checked against.
/// </summary>
internal sealed class DaClipNetwork : nn.Module
{
    private readonly DecoupledTextBranches _text;
    private readonly DarBlock? _dar;

    /// <summary>Creates the network; the trainable parts get METHOD's initialisation drawn from <paramref name="seed"/> alone.</summary>
    public DaClipNetwork(ClipModel clip, PromptBank prompts, DaClipModelOptions options, long seed = 0) : base(LibTorchNative.Checked(nameof(DaClipNetwork)))
    {
        options.Validate();
        Clip = clip;
        Prompts = prompts;
        Options = options;
        clip.Freeze();
        var cfg = clip.Config;
        if (options.ImageSize % cfg.VisionPatchSize != 0)
            throw new DaClipOptionException(nameof(DaClipModelOptions.ImageSize), $"DaClipModelOptions.ImageSize = {options.ImageSize} is not a multiple of the backbone's patch size {cfg.VisionPatchSize}. Use e.g. {options.ImageSize / cfg.VisionPatchSize * cfg.VisionPatchSize}.");
        if (prompts.Slots != options.Slots) throw new ArgumentException("The prompt bank's slot count differs from the options.", nameof(prompts));
        Grid = options.ImageSize / cfg.VisionPatchSize;
        Visual = new VvAttentionPath(clip.Visual, options.ResolveTaps(cfg.VisionLayers), options.ResolveVvStartLayer(cfg.VisionLayers), options.PositionalInterpolation);
        Head = new AnomalyMapHead(options, options.ImageSize, Grid);
        using var guard = ScalarLifetimeGuard.Enter();
        var generator = SeededInit.Generator(seed);
        _text = new DecoupledTextBranches(options.Alignment, options.Slots, cfg.TransformerWidth, options.ResolveAdapterLayers(cfg.TransformerLayers), options.AdapterResidual, generator);
        register_module("text", _text);
        if (options.UseDar)
        {
            _dar = new DarBlock(cfg.EmbedDim, options.DarExpand, options.DarState, options.ResolveDtRank(cfg.EmbedDim), generator);
            register_module("dar", _dar);
        }
    }

    /// <summary>The frozen backbone.</summary>
    public ClipModel Clip { get; }

    /// <summary>The prompts and their token layout.</summary>
    public PromptBank Prompts { get; }

    /// <summary>The method options.</summary>
    public DaClipModelOptions Options { get; }

    /// <summary>Patch grid side g = S / patch.</summary>
    public int Grid { get; }

    /// <summary>The V-V visual path (taps, start layer).</summary>
    public VvAttentionPath Visual { get; }

    /// <summary>Maps and scores.</summary>
    public AnomalyMapHead Head { get; }

    /// <summary>The text branches.</summary>
    public DecoupledTextBranches Text => _text;

    /// <summary>The DAR block; null when <see cref="DaClipModelOptions.UseDar"/> is false.</summary>
    public DarBlock? Dar => _dar;

    /// <summary>CLIP normalisation of [0, 1] RGB pixels [N, 3, S, S].</summary>
    public static Tensor NormalizePixels(Tensor raw)
    {
        using var scope = torch.NewDisposeScope();
        var mean = torch.tensor(DaClipModelOptions.ClipMean.ToArray(), device: raw.device).reshape(1, 3, 1, 1);
        var std = torch.tensor(DaClipModelOptions.ClipStd.ToArray(), device: raw.device).reshape(1, 3, 1, 1);
        return ((raw - mean) / std).MoveToOuterDisposeScope();
    }

    /// <summary>Frozen visual features of [0, 1] pixels [N, 3, S, S] (no gradient).</summary>
    public VisualFeatures EncodeVisual(Tensor rawPixels)
    {
        if (rawPixels.shape[2] != Options.ImageSize || rawPixels.shape[3] != Options.ImageSize)
            throw new DaClipException($"Expected images of {Options.ImageSize}x{Options.ImageSize} (DaClipModelOptions.ImageSize), got {rawPixels.shape[2]}x{rawPixels.shape[3]}.");
        using var _ = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var f = Visual.Features(NormalizePixels(rawPixels));
        f.PatchFeatures.MoveToOuterDisposeScope();
        f.Global.MoveToOuterDisposeScope();
        return f;
    }

    /// <summary>T_g and T_l from the current slots and adapters (image-independent).</summary>
    public TextFeatures EncodeText() => _text.Compute(Clip, Prompts);

    /// <summary>Maps and scores from cached visual features and text features; pixel maps only when asked.</summary>
    public DaClipOutputs Forward(VisualFeatures visual, TextFeatures text, bool pixelMaps)
    {
        using var scope = torch.NewDisposeScope();
        var patches = visual.PatchFeatures;                                        // [B, T, P, D]
        long b = patches.shape[0];
        var vbar = patches.mean([1]);
        Tensor localText, globalText;
        DarIntermediates? parts = null;
        if (_dar is null)
        {
            localText = text.Local.unsqueeze(0).expand(b, 2, text.Local.shape[1]);
            globalText = text.Global.unsqueeze(0).expand(b, 2, text.Global.shape[1]);
        }
        else
        {
            (localText, globalText, parts) = _dar.Refine(vbar, text.Local, text.Global);
        }
        var local = Head.AnomalyProbabilities(patches, localText);
        var global = Head.AnomalyProbabilities(patches, globalText);
        var fused = Head.Fuse(local, global);
        var (logits, prob) = Head.Global(visual.Global, globalText);
        var topk = AnomalyMapHead.TopKMean(fused, Options.TopK);
        var score = Head.Score(prob, topk);
        Tensor? up = null, map = null;
        if (pixelMaps)
        {
            up = Head.Upsample(fused);
            map = Head.Smooth(up);
        }
        var outputs = new DaClipOutputs
        {
            Vbar = vbar, LocalText = localText, GlobalText = globalText, LocalMaps = local, GlobalMaps = global,
            PatchMap = fused, GlobalLogits = logits, GlobalProbability = prob, TopKMean = topk, Score = score,
            UpsampledMap = up, AnomalyMap = map, Dar = parts,
        };
        foreach (var t in new[] { vbar, localText, globalText, local, global, fused, logits, prob, topk, score }) t.MoveToOuterDisposeScope();
        up?.MoveToOuterDisposeScope();
        map?.MoveToOuterDisposeScope();
        if (parts is not null)
            foreach (var t in new[] { parts.X, parts.In, parts.U, parts.Dt, parts.B, parts.C, parts.XSsm, parts.HLast, parts.ConvIn, parts.XConv, parts.SsmOut, parts.DS, parts.DA })
                t.MoveToOuterDisposeScope();
        return outputs;
    }

    /// <summary>Inference on [0, 1] RGB pixels [N, 3, S, S]: score, pixel map, global probability, patch map.</summary>
    public NetworkPrediction Predict(Tensor rawPixels)
    {
        using var guard = ScalarLifetimeGuard.Enter();
        using var _ = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        using var visual = EncodeVisual(rawPixels);
        using var text = EncodeText();
        var o = Forward(visual, text, pixelMaps: true);
        return new NetworkPrediction(o.Score.MoveToOuterDisposeScope(), o.AnomalyMap!.MoveToOuterDisposeScope(),
            o.GlobalProbability.MoveToOuterDisposeScope(), o.PatchMap.MoveToOuterDisposeScope());
    }

    /// <summary>The trainable tensors by METHOD §9 name (text.*, dar.*), as CPU float32 copies.</summary>
    public Dictionary<string, Tensor> TrainableStateDict() =>
        named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().cpu().clone(), StringComparer.Ordinal);

    /// <summary>
    /// Loads trainable tensors by name from a safetensors file (strict: every key present, none extra, shapes equal).
    /// </summary>
    public void LoadTrainable(string path)
    {
        using var file = SafetensorsFile.Open(path);
        var tensors = file.Entries.Where(e => e.Name.StartsWith("text.", StringComparison.Ordinal) || e.Name.StartsWith("dar.", StringComparison.Ordinal))
            .ToDictionary(e => e.Name, e => (file.ReadSingle(e.Name), e.Shape), StringComparer.Ordinal);
        LoadTrainable(tensors, path);
    }

    /// <summary>Loads trainable tensors from name → (values, shape); strict like <see cref="LoadTrainable(string)"/>.</summary>
    public void LoadTrainable(IReadOnlyDictionary<string, (float[] Values, long[] Shape)> tensors, string source)
    {
        var parameters = named_parameters().ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);
        var missing = parameters.Keys.Where(k => !tensors.ContainsKey(k)).ToList();
        if (missing.Count > 0)
            throw new DaClipFileFormatException(source, $"lacks {missing.Count} trainable tensor(s) of this DA-CLIP configuration, e.g. {string.Join(", ", missing.Take(4))}. Were the options (alignment, DAR, adapter layers) the same at training?");
        var extra = tensors.Keys.Where(k => !parameters.ContainsKey(k)).ToList();
        if (extra.Count > 0)
            throw new DaClipFileFormatException(source, $"has tensor(s) this DA-CLIP configuration does not use, e.g. {string.Join(", ", extra.Take(4))}. Were the options (alignment, DAR, adapter layers) the same at training?");
        using var _ = torch.no_grad();
        foreach (var (name, p) in parameters)
        {
            var (values, shape) = tensors[name];
            if (!shape.SequenceEqual(p.shape))
                throw new DaClipFileFormatException(source, $"tensor '{name}' has shape [{string.Join(", ", shape)}], this network needs [{string.Join(", ", p.shape)}] (another backbone?).");
            p.copy_(torch.tensor(values, shape));
        }
    }
}
