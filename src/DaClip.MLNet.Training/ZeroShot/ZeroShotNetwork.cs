using DaClip.MLNet.Training.Clip;
using DaClip.MLNet.Training.Clip.Text;
using DaClip.MLNet.Training.Network;
using TorchSharp;
using static TorchSharp.torch;

namespace DaClip.MLNet.Training.ZeroShot;

/// <summary>
/// The training-free CLIP anomaly detector (WinCLIP-style baseline): frozen CLIP, the text features
/// <c>T = [t_n, t_a]</c> of a <see cref="CompositionalPromptEnsemble"/>, and DA-CLIP's own visual path and map head
/// without adapters or DAR. Image probability <c>p = softmax(g Tᵀ / τ)[anomaly]</c> from the class token; per tapped
/// layer <c>softmax(P_t Tᵀ / τ)[anomaly]</c> on the V-V patch tokens, averaged over taps (the same T serves as local
/// and global text, so α has no effect), upsampled and smoothed with σ; score <c>β p + (1-β) mean(top-k)</c>.
/// τ is CLIP's own temperature <c>1 / exp(logit_scale)</c> unless the options say otherwise. Nothing learns.
/// </summary>
internal sealed class ZeroShotNetwork : IDisposable
{
    /// <summary>Creates the detector from text features [2, D] (rows normal, anomalous; L2-normalised) over a frozen backbone.</summary>
    /// <param name="clip">The backbone (kept, not disposed here).</param>
    /// <param name="textFeatures">[2, D]; copied.</param>
    /// <param name="options">Image size, taps, V-V start, β, top-k, σ, τ and threshold; the text-branch and DAR options are not used.</param>
    public ZeroShotNetwork(ClipModel clip, Tensor textFeatures, DaClipModelOptions options)
    {
        ArgumentNullException.ThrowIfNull(clip);
        ArgumentNullException.ThrowIfNull(textFeatures);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var cfg = clip.Config;
        if (textFeatures.dim() != 2 || textFeatures.shape[0] != 2 || textFeatures.shape[1] != cfg.EmbedDim)
            throw new ArgumentException($"Expected text features [2, {cfg.EmbedDim}], got [{string.Join(", ", textFeatures.shape)}].", nameof(textFeatures));
        if (options.ImageSize % cfg.VisionPatchSize != 0)
            throw new DaClipOptionException(nameof(DaClipModelOptions.ImageSize), $"DaClipModelOptions.ImageSize = {options.ImageSize} is not a multiple of the backbone's patch size {cfg.VisionPatchSize}. Use e.g. {options.ImageSize / cfg.VisionPatchSize * cfg.VisionPatchSize}.");
        clip.Freeze();
        Clip = clip;
        Options = options;
        Grid = options.ImageSize / cfg.VisionPatchSize;
        Visual = new VvAttentionPath(clip.Visual, options.ResolveTaps(cfg.VisionLayers), options.ResolveVvStartLayer(cfg.VisionLayers), options.PositionalInterpolation);
        Head = new AnomalyMapHead(options, options.ImageSize, Grid);
        TextFeatures = textFeatures.detach().clone();
    }

    /// <summary>
    /// Builds the detector for <paramref name="clip"/>: encodes <paramref name="prompts"/> (default: WinCLIP's
    /// ensemble with "object") and, when <paramref name="useClipLogitScale"/>, sets τ to <c>1 / exp(logit_scale)</c>
    /// of the checkpoint (0.01 for OpenAI's models).
    /// </summary>
    public static ZeroShotNetwork Create(ClipModel clip, IClipTokenizer tokenizer, DaClipModelOptions options,
        CompositionalPromptEnsemble? prompts = null, bool useClipLogitScale = true)
    {
        ArgumentNullException.ThrowIfNull(clip);
        ArgumentNullException.ThrowIfNull(options);
        prompts ??= new CompositionalPromptEnsemble();
        if (useClipLogitScale) options = options with { Tau = ClipTemperature(clip) };
        using var guard = ScalarLifetimeGuard.Enter();
        using var text = prompts.TextFeatures(clip, tokenizer);
        return new ZeroShotNetwork(clip, text, options);
    }

    /// <summary>CLIP's softmax temperature <c>1 / exp(logit_scale)</c>, with the scale clamped at 100 as in CLIP's training.</summary>
    public static double ClipTemperature(ClipModel clip)
    {
        ArgumentNullException.ThrowIfNull(clip);
        double scale = Math.Min(Math.Exp(clip.LogitScale.detach().cpu().to(ScalarType.Float32).item<float>()), 100.0);
        return 1.0 / scale;
    }

    /// <summary>The frozen backbone.</summary>
    public ClipModel Clip { get; }

    /// <summary>The options, τ resolved.</summary>
    public DaClipModelOptions Options { get; }

    /// <summary>Patch grid side g = S / patch.</summary>
    public int Grid { get; }

    /// <summary>The V-V visual path (taps, start layer).</summary>
    public VvAttentionPath Visual { get; }

    /// <summary>Maps and scores.</summary>
    public AnomalyMapHead Head { get; }

    /// <summary>[2, D]: <c>t_n</c>, <c>t_a</c>.</summary>
    public Tensor TextFeatures { get; }

    /// <summary>Inference on [0, 1] RGB pixels [N, 3, S, S]: score, pixel map, image probability, patch map.</summary>
    public NetworkPrediction Predict(Tensor rawPixels)
    {
        ArgumentNullException.ThrowIfNull(rawPixels);
        if (rawPixels.dim() != 4 || rawPixels.shape[2] != Options.ImageSize || rawPixels.shape[3] != Options.ImageSize)
            throw new DaClipException($"Expected images [N, 3, {Options.ImageSize}, {Options.ImageSize}] (DaClipModelOptions.ImageSize), got [{string.Join(", ", rawPixels.shape)}].");
        using var guard = ScalarLifetimeGuard.Enter();
        using var _ = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        using var visual = Visual.Features(DaClipNetwork.NormalizePixels(rawPixels));
        long b = rawPixels.shape[0];
        var text = TextFeatures.to(visual.Global.device).unsqueeze(0).expand(b, 2, TextFeatures.shape[1]);
        var maps = Head.AnomalyProbabilities(visual.PatchFeatures, text);
        var fused = Head.Fuse(maps, maps);
        var (_, probability) = Head.Global(visual.Global, text);
        var score = Head.Score(probability, AnomalyMapHead.TopKMean(fused, Options.TopK));
        var map = Head.Smooth(Head.Upsample(fused));
        return new NetworkPrediction(score.MoveToOuterDisposeScope(), map.MoveToOuterDisposeScope(),
            probability.MoveToOuterDisposeScope(), fused.MoveToOuterDisposeScope());
    }

    /// <inheritdoc />
    public void Dispose() => TextFeatures.Dispose();
}
