using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DaClip.MLNet.Training.Clip;

/// <summary>
/// CLIP's image tower (<c>visual.*</c>): patch convolution, class token, positional embedding, <c>ln_pre</c>, residual
/// blocks, <c>ln_post</c>, <c>proj</c>. Batch-first; token 0 is the class token, then patches in raster order.
/// Inputs of another size than the checkpoint's use a positional embedding resized once per grid
/// (bilinear unless a call asks for bicubic).
/// </summary>
internal sealed class VisionTransformer : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // field names are the checkpoint's keys
    private readonly Conv2d conv1;
    private readonly Parameter class_embedding;
    private readonly Parameter positional_embedding;
    private readonly LayerNorm ln_pre;
    private readonly ClipTransformer transformer;
    private readonly LayerNorm ln_post;
    private readonly Parameter proj;
#pragma warning restore IDE1006

    /// <summary>Creates the tower for <paramref name="config"/> with OpenAI's initialisation.</summary>
    public VisionTransformer(ClipConfig config) : base(nameof(VisionTransformer))
    {
        Config = config;
        int w = config.VisionWidth;
        float scale = (float)Math.Pow(w, -0.5);
        conv1 = nn.Conv2d(3, w, kernel_size: config.VisionPatchSize, stride: config.VisionPatchSize, bias: false);
        class_embedding = new Parameter(scale * torch.randn(w));
        positional_embedding = new Parameter(scale * torch.randn(config.Grid * config.Grid + 1, w));
        ln_pre = nn.LayerNorm(w);
        transformer = new ClipTransformer(w, config.VisionLayers, config.VisionHeads);
        ln_post = nn.LayerNorm(w);
        proj = new Parameter(scale * torch.randn(w, config.EmbedDim));
        RegisterComponents();
    }

    /// <summary>The architecture.</summary>
    public ClipConfig Config { get; }

    /// <summary>The residual blocks.</summary>
    public IReadOnlyList<ResidualAttentionBlock> Blocks => transformer.Blocks;

    /// <summary>The checkpoint's positional embedding [1 + g², W].</summary>
    public Tensor PositionalEmbedding => positional_embedding;

    /// <summary>
    /// The positional embedding for a <paramref name="grid"/>×<paramref name="grid"/> input: the checkpoint's own at its
    /// native grid, else resized with <paramref name="mode"/> (a cheap operation, recomputed so that it always
    /// follows the current weights and device).
    /// </summary>
    public Tensor PositionalEmbeddingFor(int grid, PositionalInterpolation mode = PositionalInterpolation.Bilinear) =>
        grid == Config.Grid ? positional_embedding.alias() : PositionalEmbeddingResize.Resize(positional_embedding, grid, mode);

    /// <summary>Token sequence entering <c>ln_pre</c>: [B, 1 + g², W] for normalised pixels [B, 3, S, S].</summary>
    public Tensor Embed(Tensor pixels, PositionalInterpolation mode = PositionalInterpolation.Bilinear)
    {
        if (pixels.dim() != 4 || pixels.shape[1] != 3)
            throw new ArgumentException($"Expected pixels [N, 3, S, S], got [{string.Join(", ", pixels.shape)}].", nameof(pixels));
        long side = pixels.shape[2];
        if (pixels.shape[3] != side || side % Config.VisionPatchSize != 0)
            throw new ArgumentException($"Input {pixels.shape[2]}x{pixels.shape[3]} must be square and a multiple of the patch size {Config.VisionPatchSize}.", nameof(pixels));
        using var scope = torch.NewDisposeScope();
        int grid = (int)(side / Config.VisionPatchSize);
        var x = conv1.forward(pixels).flatten(2).transpose(1, 2);
        long b = x.shape[0];
        var cls = class_embedding.to(x.dtype).reshape(1, 1, -1).expand(b, 1, class_embedding.shape[0]);
        x = torch.cat([cls, x], 1) + PositionalEmbeddingFor(grid, mode).to(x.dtype);
        return x.MoveToOuterDisposeScope();
    }

    /// <summary><c>ln_pre</c> of the embedded tokens.</summary>
    public Tensor PreNorm(Tensor tokens) => ln_pre.forward(tokens);

    /// <summary><c>ln_post(tokens) @ proj</c> for any token tensor [..., W].</summary>
    public Tensor Project(Tensor tokens)
    {
        using var scope = torch.NewDisposeScope();
        return torch.matmul(ln_post.forward(tokens), proj).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Runs the tower and returns the input of block 0 (after <c>ln_pre</c>) and the output of every block, [B, T, W] each.
    /// </summary>
    public (Tensor LnPre, IReadOnlyList<Tensor> BlockOutputs) ForwardBlocks(Tensor pixels, PositionalInterpolation mode = PositionalInterpolation.Bilinear)
    {
        using var scope = torch.NewDisposeScope();
        var x = ln_pre.forward(Embed(pixels, mode));
        var outs = new List<Tensor>(Blocks.Count);
        var h = x;
        foreach (var block in Blocks)
        {
            h = block.forward(h);
            outs.Add(h);
        }
        x.MoveToOuterDisposeScope();
        foreach (var o in outs) o.MoveToOuterDisposeScope();
        return (x, outs);
    }

    /// <summary>
    /// <c>ln_post(x_i) @ proj</c> of all tokens after each requested layer (1-based: layer i is the output of block i-1).
    /// </summary>
    public IReadOnlyDictionary<int, Tensor> ProjectedTokens(Tensor pixels, IEnumerable<int> layers, PositionalInterpolation mode = PositionalInterpolation.Bilinear)
    {
        var wanted = layers.ToHashSet();
        foreach (var l in wanted)
            if (l < 1 || l > Blocks.Count) throw new ArgumentOutOfRangeException(nameof(layers), $"Layer {l} is outside 1..{Blocks.Count}.");
        var (lnPre, outs) = ForwardBlocks(pixels, mode);
        var result = new Dictionary<int, Tensor>();
        foreach (var l in wanted.Order()) result[l] = Project(outs[l - 1]);
        lnPre.Dispose();
        foreach (var o in outs) o.Dispose();
        return result;
    }

    /// <summary>The image embedding <c>ln_post(x_L[:, 0]) @ proj</c> (not normalised), [B, D].</summary>
    public override Tensor forward(Tensor pixels) => Encode(pixels, PositionalInterpolation.Bilinear);

    /// <summary>The image embedding [B, D], resampling the positional embedding with <paramref name="mode"/> when needed.</summary>
    public Tensor Encode(Tensor pixels, PositionalInterpolation mode)
    {
        using var scope = torch.NewDisposeScope();
        var x = transformer.forward(ln_pre.forward(Embed(pixels, mode)));
        return Project(x.select(1, 0)).MoveToOuterDisposeScope();
    }
}
