using DaClip.MLNet.Training.Clip.Text;

namespace DaClip.MLNet.Training.Clip;

/// <summary>
/// Hyper-parameters of an OpenAI CLIP ViT model, named as OpenAI's <c>build_model</c> names them.
/// Heads are width / 64 in both towers, as in every released checkpoint.
/// </summary>
/// <param name="EmbedDim">Joint embedding width D (<c>text_projection</c> dim 1).</param>
/// <param name="ImageResolution">Native input size (patch × grid).</param>
/// <param name="VisionLayers">Residual blocks of the image tower.</param>
/// <param name="VisionWidth">Token width W of the image tower.</param>
/// <param name="VisionPatchSize">Patch size of <c>visual.conv1</c>.</param>
/// <param name="ContextLength">Text context length (77).</param>
/// <param name="VocabSize">Rows of <c>token_embedding</c>.</param>
/// <param name="TransformerWidth">Token width of the text tower.</param>
/// <param name="TransformerLayers">Residual blocks of the text tower.</param>
internal sealed record ClipConfig(
    int EmbedDim,
    int ImageResolution,
    int VisionLayers,
    int VisionWidth,
    int VisionPatchSize,
    int ContextLength,
    int VocabSize,
    int TransformerWidth,
    int TransformerLayers)
{
    /// <summary>Head width used by OpenAI's models.</summary>
    public const int HeadWidth = 64;

    /// <summary>Attention heads of the image tower (width / 64, at least 1).</summary>
    public int VisionHeads => Math.Max(1, VisionWidth / HeadWidth);

    /// <summary>Attention heads of the text tower (width / 64, at least 1).</summary>
    public int TransformerHeads => Math.Max(1, TransformerWidth / HeadWidth);

    /// <summary>Patches per side at the native resolution.</summary>
    public int Grid => ImageResolution / VisionPatchSize;

    /// <summary>OpenAI ViT-B/32.</summary>
    public static ClipConfig VitB32 { get; } = new(512, 224, 12, 768, 32, 77, 49408, 512, 12);

    /// <summary>OpenAI ViT-B/16.</summary>
    public static ClipConfig VitB16 { get; } = new(512, 224, 12, 768, 16, 77, 49408, 512, 12);

    /// <summary>OpenAI ViT-L/14.</summary>
    public static ClipConfig VitL14 { get; } = new(768, 224, 24, 1024, 14, 77, 49408, 768, 12);

    /// <summary>OpenAI ViT-L/14@336px (the paper's backbone).</summary>
    public static ClipConfig VitL14At336 { get; } = new(768, 336, 24, 1024, 14, 77, 49408, 768, 12);

    /// <summary>
    /// The embedded random backbone (<c>tiny</c>): 4 blocks of width 128 in each tower (text: 2), patch 8 so that a
    /// 128×128 image has a 16×16 grid (256 patches, enough for the top-80 image score to mean something), joint width
    /// 64. An epoch on ~200 images of 128×128 takes seconds on 2 CPU cores. Its weights are random: it demonstrates the
    /// pipeline, not CLIP's knowledge.
    /// </summary>
    public static ClipConfig Tiny { get; } = new(64, 128, 4, 128, 8, 77, TinyWordTokenizer.VocabularySize, 128, 2);

    /// <summary>
    /// The embedded pretrained backbone (<c>mini</c>): a ViT of 4 blocks of width 128, patch 8 at 64 px (an 8×8 grid;
    /// DA-CLIP runs it at larger sizes with an interpolated positional embedding), a text tower of 4 blocks of width 128
    /// with a context of 24 word tokens over the corpus vocabulary (<see cref="WordTokenizer.ForCorpus"/>), joint width 128.
    /// Pretrained contrastively on the captioned synthetic corpus (<see cref="Pretraining.ClipPretrainer"/>).
    /// </summary>
    public static ClipConfig Mini { get; } = new(128, 64, 4, 128, 8, 24, WordTokenizer.ForCorpus().VocabSize, 128, 4);

    /// <summary>The released architectures, by OpenAI's names.</summary>
    public static IReadOnlyDictionary<string, ClipConfig> Known { get; } = new Dictionary<string, ClipConfig>
    {
        ["ViT-B/32"] = VitB32,
        ["ViT-B/16"] = VitB16,
        ["ViT-L/14"] = VitL14,
        ["ViT-L/14@336px"] = VitL14At336,
    };

    /// <summary>OpenAI's name for this architecture (e.g. <c>ViT-L/14@336px</c>), <c>tiny</c>, <c>mini</c>, or <c>custom</c>.</summary>
    public string ArchitectureName =>
        Known.FirstOrDefault(kv => kv.Value == this).Key ?? (this == Tiny ? "tiny" : this == Mini ? "mini" : "custom");

    /// <summary>A one-line description: name and the dimensions that define it.</summary>
    public string Describe() =>
        $"{ArchitectureName} (vision {VisionLayers}x{VisionWidth}, patch {VisionPatchSize}, {ImageResolution}px, grid {Grid}x{Grid}, " +
        $"{VisionHeads} heads; text {TransformerLayers}x{TransformerWidth}, {TransformerHeads} heads, context {ContextLength}, vocab {VocabSize}; embed {EmbedDim})";

    /// <summary>
    /// Infers the configuration from tensor shapes, exactly as OpenAI's <c>build_model</c> does for ViT checkpoints.
    /// </summary>
    /// <param name="shapes">State-dict key → shape (OpenAI key names).</param>
    /// <param name="source">File name used in error messages.</param>
    /// <exception cref="ClipCheckpointException">A ResNet checkpoint, keys missing to infer the architecture, or one of them of the wrong rank (the message names the tensor).</exception>
    public static ClipConfig Infer(IReadOnlyDictionary<string, long[]> shapes, string source)
    {
        if (shapes.ContainsKey("visual.attnpool.positional_embedding") || shapes.Keys.Any(k => k.StartsWith("visual.layer1.", StringComparison.Ordinal)))
            throw new ClipCheckpointException(source, ClipCheckpointProblem.UnsupportedArchitecture,
                "is a ResNet CLIP checkpoint. ResNet CLIP backbones are not supported: use a ViT checkpoint (ViT-B/32, ViT-B/16, ViT-L/14, ViT-L/14@336px).");

        long[] Need(string key, int rank)
        {
            if (!shapes.TryGetValue(key, out var s))
                throw new ClipCheckpointException(source, ClipCheckpointProblem.MissingKey,
                    $"has no '{key}': not an OpenAI CLIP ViT state dict (expected keys such as visual.conv1.weight, transformer.resblocks.0.attn.in_proj_weight).");
            if (s.Length != rank || s.Any(d => d < 1 || d > int.MaxValue))
                throw new ClipCheckpointException(source, ClipCheckpointProblem.ShapeMismatch,
                    $"tensor '{key}' has shape [{string.Join(", ", s)}]; an OpenAI CLIP ViT has {rank} positive dimension(s) there. The file is corrupt or not a CLIP ViT checkpoint.");
            return s;
        }

        int CountBlocks(string prefix) =>
            shapes.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal))
                .Select(k => k[prefix.Length..].Split('.')[0])
                .Where(s => int.TryParse(s, out _)).Distinct().Count();

        var conv = Need("visual.conv1.weight", 4);
        var pos = Need("visual.positional_embedding", 2);
        int grid = (int)Math.Round(Math.Sqrt(pos[0] - 1));
        if (grid < 1 || (long)grid * grid + 1 != pos[0])
            throw new ClipCheckpointException(source, ClipCheckpointProblem.ShapeMismatch,
                $"tensor 'visual.positional_embedding' has {pos[0]} rows, which is not 1 + a square number of patches.");
        int patch = (int)conv[^1];
        if ((long)patch * grid > int.MaxValue)
            throw new ClipCheckpointException(source, ClipCheckpointProblem.ShapeMismatch,
                $"tensors 'visual.conv1.weight' (patch {patch}) and 'visual.positional_embedding' (grid {grid}) give an image side beyond {int.MaxValue} pixels. The file is corrupt.");
        return new ClipConfig(
            EmbedDim: (int)Need("text_projection", 2)[1],
            ImageResolution: patch * grid,
            VisionLayers: CountBlocks("visual.transformer.resblocks."),
            VisionWidth: (int)conv[0],
            VisionPatchSize: patch,
            ContextLength: (int)Need("positional_embedding", 2)[0],
            VocabSize: (int)Need("token_embedding.weight", 2)[0],
            TransformerWidth: (int)Need("ln_final.weight", 1)[0],
            TransformerLayers: CountBlocks("transformer.resblocks."));
    }

    /// <summary>Every state-dict key of a model with this configuration, with its shape (OpenAI naming).</summary>
    public IReadOnlyDictionary<string, long[]> ExpectedShapes()
    {
        var d = new Dictionary<string, long[]>(StringComparer.Ordinal);
        int w = VisionWidth, t = TransformerWidth;
        d["visual.class_embedding"] = [w];
        d["visual.positional_embedding"] = [Grid * Grid + 1, w];
        d["visual.proj"] = [w, EmbedDim];
        d["visual.conv1.weight"] = [w, 3, VisionPatchSize, VisionPatchSize];
        d["visual.ln_pre.weight"] = [w];
        d["visual.ln_pre.bias"] = [w];
        AddBlocks(d, "visual.transformer.resblocks.", VisionLayers, w);
        d["visual.ln_post.weight"] = [w];
        d["visual.ln_post.bias"] = [w];
        d["positional_embedding"] = [ContextLength, t];
        d["text_projection"] = [t, EmbedDim];
        d["logit_scale"] = [];
        d["token_embedding.weight"] = [VocabSize, t];
        AddBlocks(d, "transformer.resblocks.", TransformerLayers, t);
        d["ln_final.weight"] = [t];
        d["ln_final.bias"] = [t];
        return d;
    }

    private static void AddBlocks(Dictionary<string, long[]> d, string prefix, int layers, int w)
    {
        for (int i = 0; i < layers; i++)
        {
            var p = prefix + i + ".";
            d[p + "attn.in_proj_weight"] = [3 * w, w];
            d[p + "attn.in_proj_bias"] = [3 * w];
            d[p + "attn.out_proj.weight"] = [w, w];
            d[p + "attn.out_proj.bias"] = [w];
            d[p + "ln_1.weight"] = [w];
            d[p + "ln_1.bias"] = [w];
            d[p + "mlp.c_fc.weight"] = [4 * w, w];
            d[p + "mlp.c_fc.bias"] = [4 * w];
            d[p + "mlp.c_proj.weight"] = [w, 4 * w];
            d[p + "mlp.c_proj.bias"] = [w];
            d[p + "ln_2.weight"] = [w];
            d[p + "ln_2.bias"] = [w];
        }
    }
}
