using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DaClip.MLNet.Training.Clip;

/// <summary>
/// One CLIP transformer block: <c>x = x + attn(ln_1(x)); x = x + mlp(ln_2(x))</c> with QuickGELU, batch-first.
/// Field names equal the checkpoint keys (<c>attn</c>, <c>ln_1</c>, <c>mlp.c_fc</c>, <c>mlp.c_proj</c>, <c>ln_2</c>).
/// </summary>
internal sealed class ResidualAttentionBlock : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // field names are the checkpoint's keys
    private readonly ClipAttention attn;
    private readonly LayerNorm ln_1;
    private readonly Sequential mlp;
    private readonly LayerNorm ln_2;
#pragma warning restore IDE1006

    /// <summary>Creates a block of token width <paramref name="width"/>.</summary>
    public ResidualAttentionBlock(int width, int heads) : base(nameof(ResidualAttentionBlock))
    {
        attn = new ClipAttention(width, heads);
        ln_1 = nn.LayerNorm(width);
        mlp = nn.Sequential(("c_fc", nn.Linear(width, 4 * width)), ("gelu", new QuickGelu()), ("c_proj", nn.Linear(4 * width, width)));
        ln_2 = nn.LayerNorm(width);
        RegisterComponents();
    }

    /// <summary>The attention layer.</summary>
    public ClipAttention Attention => attn;

    /// <summary>The first LayerNorm (before attention).</summary>
    public LayerNorm Ln1 => ln_1;

    /// <summary>The block without an attention mask.</summary>
    public override Tensor forward(Tensor x) => Forward(x, null);

    /// <summary>The block with an optional additive attention mask (the text tower's causal mask).</summary>
    public Tensor Forward(Tensor x, Tensor? mask) => ForwardFromNormalized(x, ln_1.forward(x), mask);

    /// <summary>The block when <c>ln_1(x)</c> is already computed (the V-V path shares it).</summary>
    public Tensor ForwardFromNormalized(Tensor x, Tensor normalized, Tensor? mask)
    {
        using var scope = torch.NewDisposeScope();
        var h = x + attn.Forward(normalized, mask);
        return (h + mlp.forward(ln_2.forward(h))).MoveToOuterDisposeScope();
    }
}
