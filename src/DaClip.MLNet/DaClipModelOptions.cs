using System.Text.Json;
using System.Text.Json.Serialization;

namespace DaClip.MLNet;

/// <summary>How the global (image-level) and local (pixel-level) text features are obtained (METHOD §3).</summary>
public enum TextAlignment
{
    /// <summary>Two independent text branches, one aligned with the global image feature, one with patch features (DA-CLIP).</summary>
    Decoupled,
    /// <summary>Ablation: only the global branch; the local text features are the global ones.</summary>
    Joint,
}

/// <summary>Resampling of the patch-grid positional embedding when the input size differs from the checkpoint's.</summary>
public enum PositionalInterpolation
{
    /// <summary>Bilinear, align_corners = false (AnomalyCLIP's choice).</summary>
    Bilinear,
    /// <summary>Bicubic (A = -0.75), align_corners = false.</summary>
    Bicubic,
}

/// <summary>
/// The options of the DA-CLIP network (docs/method.md), with the paper's defaults. Depth-dependent defaults
/// (<see cref="Taps"/>, <see cref="VvStartLayer"/>) are resolved from the backbone by <see cref="ResolveTaps"/> and
/// <see cref="ResolveVvStartLayer"/>. The options travel with exported models as JSON
/// (<see cref="Scoring.DaClipModelContract.NetworkOptions"/>).
/// </summary>
public sealed record DaClipModelOptions
{
    /// <summary>Input side S in pixels (518 for ViT-L/14@336 in the paper: a 37×37 grid). Must be a multiple of the patch size.</summary>
    public int ImageSize { get; init; } = DaClipDefaults.ImageSize;

    /// <summary>Tapped layers (1-based); null = round(kL/4), k = 1..4 (6, 12, 18, 24 for ViT-L).</summary>
    public int[]? Taps { get; init; }

    /// <summary>First layer of the value-value path (1-based); null = max(1, round(L/4)).</summary>
    public int? VvStartLayer { get; init; }

    /// <summary>Weight of the local maps in the fused map (α = 0.7).</summary>
    public double Alpha { get; init; } = DaClipDefaults.Alpha;

    /// <summary>Weight of the global probability in the image score (β = 0.5).</summary>
    public double Beta { get; init; } = DaClipDefaults.Beta;

    /// <summary>k of the top-k patch mean in the image score (80; 1 = the maximum). k' = min(k, patches).</summary>
    public int TopK { get; init; } = DaClipDefaults.TopK;

    /// <summary>σ of the Gaussian smoothing of the pixel map (4); radius floor(4σ + 1/2), capped at S − 1.</summary>
    public double Sigma { get; init; } = DaClipDefaults.Sigma;

    /// <summary>Softmax temperature τ (0.07).</summary>
    public double Tau { get; init; } = DaClipDefaults.Tau;

    /// <summary>Weight λ of the map losses against the image cross-entropy (4).</summary>
    public double Lambda { get; init; } = DaClipDefaults.Lambda;

    /// <summary>
    /// The threshold an export starts from (0.5) when <c>DaClipExportOptions.Threshold</c> does not give one. It only
    /// seeds the model: the exported model holds the threshold (<see cref="Scoring.DaClipModelContract.Threshold"/>)
    /// and calibration rewrites it there.
    /// </summary>
    public double Threshold { get; init; } = DaClipDefaults.Threshold;

    /// <summary>Learnable slot tokens per prompt (10).</summary>
    public int Slots { get; init; } = DaClipDefaults.Slots;

    /// <summary>How many text blocks, from block 0, carry a Token Adapter; null = all.</summary>
    public int? AdapterLayers { get; init; }

    /// <summary>Token Adapter residual connection (Table 4 ablation: false = <c>s ← A(s)</c>).</summary>
    public bool AdapterResidual { get; init; } = true;

    /// <summary>Decoupled (DA-CLIP) or joint (ablation) text alignment.</summary>
    public TextAlignment Alignment { get; init; } = TextAlignment.Decoupled;

    /// <summary>Whether the DAR (Mamba hybrid) block refines the text features per image.</summary>
    public bool UseDar { get; init; } = true;

    /// <summary>DAR inner width factor: E = DarExpand · D (1).</summary>
    public int DarExpand { get; init; } = 1;

    /// <summary>DAR state size N (16).</summary>
    public int DarState { get; init; } = 16;

    /// <summary>DAR Δ rank R; null = ceil(D / 16).</summary>
    public int? DarDtRank { get; init; }

    /// <summary>Prompt template; <c>{0}</c> is replaced by the state.</summary>
    public string Template { get; init; } = "a photo of a {0}.";

    /// <summary>Normal states (object-agnostic, Table 1).</summary>
    public string[] NormalStates { get; init; } = ["object", "a object", "the object"];

    /// <summary>Anomaly states (object-agnostic, Table 1).</summary>
    public string[] AnomalyStates { get; init; } = ["damaged object", "broken object", "object with flaw", "object with defect", "object with damage"];

    /// <summary>Positional-embedding resampling when S differs from the checkpoint's resolution.</summary>
    public PositionalInterpolation PositionalInterpolation { get; init; } = PositionalInterpolation.Bilinear;

    /// <summary>CLIP's per-channel normalisation mean (RGB).</summary>
    public static IReadOnlyList<float> ClipMean { get; } = [0.48145466f, 0.4578275f, 0.40821073f];

    /// <summary>CLIP's per-channel normalisation standard deviation (RGB).</summary>
    public static IReadOnlyList<float> ClipStd { get; } = [0.26862954f, 0.26130258f, 0.27577711f];

    /// <summary>The tapped layers for a tower of <paramref name="depth"/> blocks: explicit, or round-half-up of kL/4, de-duplicated.</summary>
    public int[] ResolveTaps(int depth)
    {
        if (Taps is { Length: > 0 } t)
        {
            foreach (var l in t)
                if (l < 1 || l > depth) throw new DaClipOptionException(nameof(Taps), $"DaClipModelOptions.Taps contains layer {l}, outside 1..{depth} for this backbone. Use layers of the vision tower (1-based).");
            return t.Distinct().Order().ToArray();
        }
        return Enumerable.Range(1, 4).Select(k => Math.Max(1, (int)Math.Floor(k * depth / 4.0 + 0.5))).Distinct().Order().ToArray();
    }

    /// <summary>The first V-V layer for a tower of <paramref name="depth"/> blocks: explicit, or max(1, round(L/4)).</summary>
    public int ResolveVvStartLayer(int depth)
    {
        if (VvStartLayer is int v)
        {
            if (v < 1 || v > depth) throw new DaClipOptionException(nameof(VvStartLayer), $"DaClipModelOptions.VvStartLayer = {v} is outside 1..{depth} for this backbone.");
            return v;
        }
        return Math.Max(1, (int)Math.Floor(depth / 4.0 + 0.5));
    }

    /// <summary>The number of adapted text blocks for a text tower of <paramref name="depth"/> blocks.</summary>
    public int ResolveAdapterLayers(int depth)
    {
        int n = AdapterLayers ?? depth;
        if (n < 0 || n > depth) throw new DaClipOptionException(nameof(AdapterLayers), $"DaClipModelOptions.AdapterLayers = {n} is outside 0..{depth} for this text tower.");
        return n;
    }

    /// <summary>Δ rank R for joint width <paramref name="embedDim"/>.</summary>
    public int ResolveDtRank(int embedDim) => DarDtRank ?? (embedDim + 15) / 16;

    /// <summary>Gaussian radius floor(4σ + 1/2), capped at S − 1.</summary>
    public int GaussianRadius(int size) => Math.Min((int)Math.Floor(4 * Sigma + 0.5), size - 1);

    /// <summary>Every prompt text, normal states first: <see cref="Template"/> filled with each state.</summary>
    public IReadOnlyList<string> Prompts() =>
        NormalStates.Concat(AnomalyStates).Select(s => string.Format(System.Globalization.CultureInfo.InvariantCulture, Template, s)).ToList();

    /// <summary>Checks value ranges; throws a <see cref="DaClipOptionException"/> naming the option and the fix.</summary>
    public void Validate()
    {
        void Require(bool ok, string message)
        {
            if (!ok) throw new DaClipOptionException(message[..message.IndexOfAny([' ', '='])], "DaClipModelOptions." + message);
        }
        Require(ImageSize >= 8, $"ImageSize = {ImageSize}: use a size of at least one patch (518 for ViT-L/14@336).");
        Require(Alpha is >= 0 and <= 1, $"Alpha = {Alpha}: must be in [0, 1].");
        Require(Beta is >= 0 and <= 1, $"Beta = {Beta}: must be in [0, 1].");
        Require(TopK >= 1, $"TopK = {TopK}: must be at least 1.");
        Require(Sigma > 0, $"Sigma = {Sigma}: must be positive.");
        Require(Tau > 0, $"Tau = {Tau}: must be positive.");
        Require(Lambda >= 0, $"Lambda = {Lambda}: must be non-negative.");
        Require(Slots >= 1, $"Slots = {Slots}: must be at least 1.");
        Require(DarExpand >= 1 && DarState >= 1, "DarExpand and DarState must be at least 1.");
        Require(DarDtRank is null or >= 1, "DarDtRank must be at least 1.");
        Require(NormalStates.Length > 0 && AnomalyStates.Length > 0, "NormalStates and AnomalyStates must each hold at least one state.");
        Require(Template.Contains("{0}", StringComparison.Ordinal), $"Template '{Template}' must contain {{0}} where the state goes.");
    }

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false, Converters = { new JsonStringEnumConverter() } };

    /// <summary>The options as JSON (stored in checkpoints and ONNX metadata).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Options from <see cref="ToJson"/> output.</summary>
    public static DaClipModelOptions FromJson(string json) =>
        JsonSerializer.Deserialize<DaClipModelOptions>(json, Json) ?? throw new DaClipException("Empty DA-CLIP options JSON.");

    /// <inheritdoc />
    public bool Equals(DaClipModelOptions? other) => other is not null && ToJson() == other.ToJson();

    /// <inheritdoc />
    public override int GetHashCode() => ToJson().GetHashCode(StringComparison.Ordinal);
}
