using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DaClip.MLNet.Training.Clip;

/// <summary>
/// Multi-head self-attention with PyTorch's <c>nn.MultiheadAttention</c> parameter layout (<c>in_proj_weight</c>,
/// <c>in_proj_bias</c>, <c>out_proj</c>), batch-first. Besides the usual query-key attention it offers the
/// value-value form used by DA-CLIP's local visual path.
/// </summary>
internal sealed class ClipAttention : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // field names are the checkpoint's keys
    private readonly Parameter in_proj_weight;
    private readonly Parameter in_proj_bias;
    private readonly Linear out_proj;
#pragma warning restore IDE1006
    private readonly int _heads;

    /// <summary>Creates the layer for token width <paramref name="width"/> and <paramref name="heads"/> heads.</summary>
    public ClipAttention(int width, int heads) : base(nameof(ClipAttention))
    {
        if (width % heads != 0) throw new ArgumentException($"Width {width} is not divisible by {heads} heads.", nameof(heads));
        _heads = heads;
        Width = width;
        in_proj_weight = new Parameter(torch.empty(3 * width, width));
        in_proj_bias = new Parameter(torch.zeros(3 * width));
        out_proj = nn.Linear(width, width);
        RegisterComponents();
        using (torch.no_grad())
        {
            nn.init.xavier_uniform_(in_proj_weight);
        }
    }

    /// <summary>Token width.</summary>
    public int Width { get; }

    /// <summary>Number of heads.</summary>
    public int Heads => _heads;

    /// <summary>Standard attention without a mask.</summary>
    public override Tensor forward(Tensor x) => Forward(x, null);

    /// <summary>Standard softmax(q kᵀ / √d) v attention over <paramref name="x"/> [B, T, W], with an additive mask [T, T].</summary>
    public Tensor Forward(Tensor x, Tensor? additiveMask)
    {
        using var scope = torch.NewDisposeScope();
        var qkv = nn.functional.linear(x, in_proj_weight, in_proj_bias).chunk(3, -1);
        var out_ = Attend(SplitHeads(qkv[0]), SplitHeads(qkv[1]), SplitHeads(qkv[2]), additiveMask);
        return out_proj.forward(MergeHeads(out_)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Value-value attention (DA-CLIP's local path): query = key = value = the V projection of <paramref name="x"/>,
    /// softmax(v vᵀ / √d) v per head, heads concatenated, then <c>out_proj</c>.
    /// </summary>
    public Tensor ForwardValueValue(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        var w = in_proj_weight.narrow(0, 2 * Width, Width);
        var b = in_proj_bias.narrow(0, 2 * Width, Width);
        var v = SplitHeads(nn.functional.linear(x, w, b));
        return out_proj.forward(MergeHeads(Attend(v, v, v, null))).MoveToOuterDisposeScope();
    }

    private Tensor Attend(Tensor q, Tensor k, Tensor v, Tensor? mask)
    {
        double scale = 1.0 / Math.Sqrt(q.shape[^1]);
        var scores = torch.matmul(q * scale, k.transpose(-2, -1));
        if (mask is not null) scores = scores + mask;
        return torch.matmul(scores.softmax(-1), v);
    }

    private Tensor SplitHeads(Tensor t)
    {
        long b = t.shape[0], n = t.shape[1];
        return t.reshape(b, n, _heads, Width / _heads).transpose(1, 2);
    }

    private Tensor MergeHeads(Tensor t)
    {
        long b = t.shape[0], n = t.shape[2];
        return t.transpose(1, 2).reshape(b, n, Width);
    }
}
