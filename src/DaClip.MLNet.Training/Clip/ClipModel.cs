using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DaClip.MLNet.Training.Clip;

/// <summary>
/// OpenAI CLIP (ViT image tower + causal text transformer) in TorchSharp. Field names are the checkpoint keys
/// (<c>visual</c>, <c>token_embedding</c>, <c>positional_embedding</c>, <c>transformer</c>, <c>ln_final</c>,
/// <c>text_projection</c>, <c>logit_scale</c>), so a state dict loads by name. Batch-first throughout.
/// Load weights with <see cref="ClipCheckpoint"/>.
/// </summary>
internal sealed class ClipModel : nn.Module<Tensor, Tensor, (Tensor LogitsPerImage, Tensor LogitsPerText)>
{
#pragma warning disable IDE1006 // field names are the checkpoint's keys
    private readonly VisionTransformer visual;
    private readonly Embedding token_embedding;
    private readonly Parameter positional_embedding;
    private readonly ClipTransformer transformer;
    private readonly LayerNorm ln_final;
    private readonly Parameter text_projection;
    private readonly Parameter logit_scale;
#pragma warning restore IDE1006

    /// <summary>
    /// Creates a model of architecture <paramref name="config"/> with random weights drawn from <paramref name="seed"/>
    /// alone, following OpenAI's <c>CLIP.initialize_parameters</c> (load real weights with <see cref="ClipCheckpoint"/>).
    /// </summary>
    public ClipModel(ClipConfig config, long seed = 0) : base(LibTorchNative.Checked(nameof(ClipModel)))
    {
        Config = config;
        int t = config.TransformerWidth;
        visual = new VisionTransformer(config);
        token_embedding = nn.Embedding(config.VocabSize, t);
        positional_embedding = new Parameter(torch.empty(config.ContextLength, t));
        transformer = new ClipTransformer(t, config.TransformerLayers, config.TransformerHeads);
        ln_final = nn.LayerNorm(t);
        text_projection = new Parameter(torch.empty(t, config.EmbedDim));
        logit_scale = new Parameter(torch.tensor((float)Math.Log(1 / 0.07)));
        RegisterComponents();
        using var guard = ScalarLifetimeGuard.Enter();
        InitializeLikeOpenAi(SeededInit.Generator(seed));
    }

    /// <summary>The architecture.</summary>
    public ClipConfig Config { get; }

    /// <summary>The image tower.</summary>
    public VisionTransformer Visual => visual;

    /// <summary>The text tower's blocks.</summary>
    public IReadOnlyList<ResidualAttentionBlock> TextBlocks => transformer.Blocks;

    /// <summary>The temperature parameter (log scale).</summary>
    public Tensor LogitScale => logit_scale;

    /// <summary><c>token_embedding(ids) + positional_embedding</c>: the input of text block 0, [B, T, W].</summary>
    public Tensor EmbedText(Tensor ids)
    {
        if (ids.dim() != 2 || ids.shape[1] != Config.ContextLength)
            throw new ArgumentException($"Expected token ids [N, {Config.ContextLength}], got [{string.Join(", ", ids.shape)}].", nameof(ids));
        return token_embedding.forward(ids) + positional_embedding;
    }

    /// <summary>Token-embedding rows for <paramref name="ids"/> without the positional embedding.</summary>
    public Tensor TokenEmbedding(Tensor ids) => token_embedding.forward(ids);

    /// <summary>The text positional embedding [T, W].</summary>
    public Tensor TextPositionalEmbedding => positional_embedding;

    /// <summary>The causal mask of the text tower for <paramref name="length"/> tokens: 0 on and below the diagonal, -inf above.</summary>
    public static Tensor CausalMask(long length, Device device) =>
        torch.full(length, length, float.NegativeInfinity, device: device).triu(1);

    /// <summary>
    /// Runs the text blocks on token rows [B, T, W] (T ≤ the context length: with the causal mask, the first T rows
    /// do not depend on later ones, so callers may drop the rows after the last EOT); <paramref name="beforeBlock"/> (block index, stream) may rewrite the
    /// residual stream at the input of each block (DA-CLIP's Token Adapters); <paramref name="afterBlock"/> observes each
    /// block's output (valid only during the call: copy what you keep). Returns <c>ln_final</c> of the last block's output.
    /// </summary>
    public Tensor TextTower(Tensor tokens, Func<int, Tensor, Tensor>? beforeBlock = null, Action<int, Tensor>? afterBlock = null)
    {
        using var scope = torch.NewDisposeScope();
        if (tokens.shape[1] > Config.ContextLength)
            throw new ArgumentException($"At most {Config.ContextLength} tokens, got {tokens.shape[1]}.", nameof(tokens));
        var mask = CausalMask(tokens.shape[1], tokens.device).to(tokens.dtype);
        var x = tokens;
        for (int j = 0; j < transformer.Blocks.Count; j++)
        {
            if (beforeBlock is not null) x = beforeBlock(j, x);
            x = transformer.Blocks[j].Forward(x, mask);
            afterBlock?.Invoke(j, x);
        }
        return ln_final.forward(x).MoveToOuterDisposeScope();
    }

    /// <summary>Rows [.., W] of the text tower's output projected to the joint space: <c>rows @ text_projection</c>.</summary>
    public Tensor ProjectText(Tensor rows) => torch.matmul(rows, text_projection);

    /// <summary>Image embeddings [B, D] (not normalised) for normalised pixels [B, 3, S, S].</summary>
    public Tensor EncodeImage(Tensor pixels, PositionalInterpolation mode = PositionalInterpolation.Bilinear) => visual.Encode(pixels, mode);

    /// <summary>Text embeddings [B, D] (not normalised): the row of the first highest id (the EOT) after <c>ln_final</c>, projected.</summary>
    public Tensor EncodeText(Tensor ids)
    {
        using var scope = torch.NewDisposeScope();
        var x = TextTower(EmbedText(ids));
        var eot = ids.argmax(-1);
        var rows = x[torch.arange(x.shape[0], device: x.device), eot];
        return ProjectText(rows).MoveToOuterDisposeScope();
    }

    /// <summary>CLIP's logits: <c>exp(logit_scale) · norm(image) · norm(text)ᵀ</c> and its transpose.</summary>
    public override (Tensor LogitsPerImage, Tensor LogitsPerText) forward(Tensor pixels, Tensor ids)
    {
        using var scope = torch.NewDisposeScope();
        var img = nn.functional.normalize(EncodeImage(pixels), dim: -1);
        var txt = nn.functional.normalize(EncodeText(ids), dim: -1);
        var perImage = logit_scale.exp() * torch.matmul(img, txt.t());
        return (perImage.MoveToOuterDisposeScope(), perImage.t().MoveToOuterDisposeScope());
    }

    /// <summary>Marks every parameter frozen (no gradient), as DA-CLIP requires of the backbone.</summary>
    public void Freeze()
    {
        foreach (var p in parameters()) p.requires_grad = false;
    }

    private void InitializeLikeOpenAi(Generator g)
    {
        int w = Config.TransformerWidth, layers = Config.TransformerLayers;
        SeededInit.Normal(token_embedding.weight!, 0.02, g);
        SeededInit.Normal(positional_embedding, 0.01, g);
        InitializeBlocks(transformer.named_parameters(), w, layers, g);
        SeededInit.LayerNormDefault(ln_final);
        SeededInit.Normal(text_projection, Math.Pow(w, -0.5), g);
        SeededInit.Constant(logit_scale, Math.Log(1 / 0.07));

        int vw = Config.VisionWidth;
        foreach (var (name, p) in visual.named_parameters())
        {
            if (name.StartsWith("transformer.", StringComparison.Ordinal)) continue;
            if (name == "conv1.weight") SeededInit.ConvDefault(p, null, g);
            else if (name.EndsWith(".weight", StringComparison.Ordinal)) SeededInit.Constant(p, 1);     // ln_pre, ln_post
            else if (name.EndsWith(".bias", StringComparison.Ordinal)) SeededInit.Constant(p, 0);
            else SeededInit.Normal(p, Math.Pow(vw, -0.5), g);                                       // class/positional embedding, proj
        }
        InitializeBlocks(visual.named_parameters().Where(p => p.name.StartsWith("transformer.", StringComparison.Ordinal)), vw, Config.VisionLayers, g);
    }

    private static void InitializeBlocks(IEnumerable<(string name, Parameter parameter)> parameters, int width, int layers, Generator g)
    {
        double projStd = Math.Pow(width, -0.5) * Math.Pow(2 * layers, -0.5);
        double attnStd = Math.Pow(width, -0.5);
        double fcStd = Math.Pow(2 * width, -0.5);
        foreach (var (name, p) in parameters)
        {
            if (name.EndsWith("attn.in_proj_weight", StringComparison.Ordinal)) SeededInit.Normal(p, attnStd, g);
            else if (name.EndsWith("attn.in_proj_bias", StringComparison.Ordinal) || name.EndsWith("attn.out_proj.bias", StringComparison.Ordinal)) SeededInit.Constant(p, 0);
            else if (name.EndsWith("attn.out_proj.weight", StringComparison.Ordinal) || name.EndsWith("mlp.c_proj.weight", StringComparison.Ordinal)) SeededInit.Normal(p, projStd, g);
            else if (name.EndsWith("mlp.c_fc.weight", StringComparison.Ordinal)) SeededInit.Normal(p, fcStd, g);
            else if (name.EndsWith("mlp.c_fc.bias", StringComparison.Ordinal)) SeededInit.Uniform(p, 1 / Math.Sqrt(width), g);
            else if (name.EndsWith("mlp.c_proj.bias", StringComparison.Ordinal)) SeededInit.Uniform(p, 1 / Math.Sqrt(4 * width), g);
            else if (name.Contains(".ln_", StringComparison.Ordinal)) SeededInit.Constant(p, name.EndsWith(".weight", StringComparison.Ordinal) ? 1 : 0);
            else throw new InvalidOperationException("Uninitialised CLIP parameter " + name);
        }
    }
}
