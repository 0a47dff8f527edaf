using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DaClip.MLNet.Training.Network;

/// <summary>
/// The Token Adapter of one text block (METHOD §3): refines the slot rows of the residual stream,
/// <c>s ← s + W_up GELU(W_down LN(s))</c> (erf GELU, LayerNorm eps 1e-5, bottleneck width/4), or <c>s ← A(s)</c>
/// without the residual (Table 4 ablation). With the residual, <c>up</c> starts at zero so training starts from
/// CLIP's own semantics; without it, <c>up</c> keeps PyTorch's default initialisation.
/// </summary>
internal sealed class TokenAdapter : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // field names are the state-dict keys
    private readonly LayerNorm norm;
    private readonly Linear down;
    private readonly Linear up;
#pragma warning restore IDE1006

    /// <summary>Creates an adapter for token width <paramref name="width"/>, initialised from <paramref name="generator"/>.</summary>
    public TokenAdapter(int width, bool residual, Generator generator) : base(nameof(TokenAdapter))
    {
        Residual = residual;
        norm = nn.LayerNorm(width, eps: 1e-5);
        down = nn.Linear(width, width / 4);
        up = nn.Linear(width / 4, width);
        RegisterComponents();
        SeededInit.LayerNormDefault(norm);
        SeededInit.LinearDefault(down, generator);
        if (residual)
        {
            SeededInit.Constant(up.weight!, 0);
            SeededInit.Constant(up.bias!, 0);
        }
        else
        {
            SeededInit.LinearDefault(up, generator);
        }
    }

    /// <summary>Whether the adapter adds its output to its input.</summary>
    public bool Residual { get; }

    /// <summary>Refines slot rows [..., K, width].</summary>
    public override Tensor forward(Tensor slots)
    {
        using var scope = torch.NewDisposeScope();
        var a = up.forward(nn.functional.gelu(down.forward(norm.forward(slots))));
        return (Residual ? slots + a : a).MoveToOuterDisposeScope();
    }
}
