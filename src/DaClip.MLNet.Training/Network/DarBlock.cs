using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DaClip.MLNet.Training.Network;

/// <summary>Which selective-scan form the DAR block uses (both give the same values and gradients to float32 rounding).</summary>
internal enum ScanMode
{
    /// <summary>One row at a time: the reference, and the faster form on CPU (small operations stay single-threaded).</summary>
    Sequential,
    /// <summary>All chunks at once, about √L steps of larger operations: fewer kernel launches (GPU, large batches).</summary>
    Chunked,
}

/// <summary>Every intermediate of one DAR pass, batch-first (for inspection and the reference fixtures).</summary>
internal sealed record DarIntermediates(
    Tensor X, Tensor In, Tensor U, Tensor Dt, Tensor B, Tensor C, Tensor XSsm, Tensor HLast,
    Tensor ConvIn, Tensor XConv, Tensor SsmOut, Tensor DS, Tensor DA);

/// <summary>
/// The DAR block (METHOD §4 [reading]): a Mamba-based hybrid that refines the text features per image by image
/// priors. Over <c>X = [V̄; T_l; T_g]</c> an SSM branch (<c>SiLU(causal depthwise conv(in_proj X))</c>, then the
/// selective scan) and a conv branch (<c>depthwise conv(conv_proj X)</c>) are multiplied, giving offsets
/// <c>[dS; dA]</c>; <c>T_l' = norm(T_l + γ_s dS)</c>, <c>T_g' = norm(T_g + γ_a dA)</c> on the text rows.
/// State-dict keys (METHOD §9): <c>in_proj, conv1d, x_proj, dt_proj, A_log, D, conv_proj, conv, out_proj, gamma_s, gamma_a</c>.
/// </summary>
internal sealed class DarBlock : nn.Module
{
#pragma warning disable IDE1006 // field names are the state-dict keys
    private readonly Linear in_proj;
    private readonly Conv1d conv1d;
    private readonly Linear x_proj;
    private readonly Linear dt_proj;
    private readonly Parameter A_log;
    private readonly Parameter D;
    private readonly Linear conv_proj;
    private readonly Conv1d conv;
    private readonly Linear out_proj;
    private readonly Parameter gamma_s;
    private readonly Parameter gamma_a;
#pragma warning restore IDE1006

    /// <summary>Creates the block for joint width <paramref name="dim"/> with METHOD §4's initialisation drawn from <paramref name="generator"/>.</summary>
    public DarBlock(int dim, int expand, int state, int dtRank, Generator generator) : base(nameof(DarBlock))
    {
        Dim = dim;
        Inner = expand * dim;
        State = state;
        DtRank = dtRank;
        in_proj = nn.Linear(dim, Inner, hasBias: false);
        conv1d = nn.Conv1d(Inner, Inner, 4, groups: Inner);
        x_proj = nn.Linear(Inner, dtRank + 2 * state, hasBias: false);
        dt_proj = nn.Linear(dtRank, Inner);
        A_log = new Parameter(torch.log(torch.arange(1, state + 1, dtype: ScalarType.Float32)).repeat(Inner, 1));
        D = new Parameter(torch.ones(Inner));
        conv_proj = nn.Linear(dim, 2 * dim);
        conv = nn.Conv1d(2 * dim, 2 * dim, 3, groups: 2 * dim);
        out_proj = nn.Linear(Inner, 2 * dim);
        gamma_s = new Parameter(torch.full(1, 1e-3f));
        gamma_a = new Parameter(torch.full(1, 1e-3f));
        RegisterComponents();
        SeededInit.LinearDefault(in_proj, generator);
        SeededInit.ConvDefault(conv1d.weight!, conv1d.bias, generator);
        SeededInit.LinearDefault(x_proj, generator);
        SeededInit.Uniform(dt_proj.weight!, Math.Pow(dtRank, -0.5), generator);
        using (torch.no_grad())
        {
            // Δ bias = softplus⁻¹(Δ₀), Δ₀ log-uniform in [1e-3, 1e-1].
            using var scope = torch.NewDisposeScope();
            var dt0 = torch.exp(torch.rand(Inner, generator: generator) * (Math.Log(0.1) - Math.Log(1e-3)) + Math.Log(1e-3));
            dt_proj.bias!.copy_(dt0 + torch.log(-torch.expm1(-dt0)));
        }
        SeededInit.LinearDefault(conv_proj, generator);
        SeededInit.ConvDefault(conv.weight!, conv.bias, generator);
        SeededInit.LinearDefault(out_proj, generator);
    }

    /// <summary>Joint width D.</summary>
    public int Dim { get; }

    /// <summary>Inner width E.</summary>
    public int Inner { get; }

    /// <summary>State size N.</summary>
    public int State { get; }

    /// <summary>Δ rank R.</summary>
    public int DtRank { get; }

    /// <summary>
    /// The selective-scan form used by <see cref="Forward"/>. Sequential by default: on 2 CPU cores a training step of the
    /// tiny backbone (batch 8, 260 rows) took 106 ms forward / 471 ms backward in total with it against 220 / 2134 ms
    /// with <see cref="ScanMode.Chunked"/> (docs/benchmarks.md).
    /// </summary>
    public ScanMode Scan { get; set; } = ScanMode.Sequential;

    /// <summary>Runs both branches over <paramref name="x"/> [B, L, D] and returns every intermediate.</summary>
    public DarIntermediates Forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        var inp = in_proj.forward(x);                                                    // [B, L, E]
        var conv1dOut = conv1d.forward(nn.functional.pad(inp.transpose(1, 2), [3, 0]));  // causal: 3 zeros on the left
        var u = nn.functional.silu(conv1dOut.transpose(1, 2));
        var xdbl = x_proj.forward(u);
        var dt = nn.functional.softplus(dt_proj.forward(xdbl.narrow(-1, 0, DtRank)));
        var b = xdbl.narrow(-1, DtRank, State);
        var c = xdbl.narrow(-1, DtRank + State, State);
        var a = -torch.exp(A_log);
        var (y, hLast) = Scan == ScanMode.Sequential
            ? SelectiveScan.Sequential(u, dt, a, b, c, D)
            : SelectiveScan.Chunked(u, dt, a, b, c, D);
        var convIn = conv_proj.forward(x);
        var xConv = conv.forward(nn.functional.pad(convIn.transpose(1, 2), [1, 1])).transpose(1, 2);
        var ssmOut = out_proj.forward(y);
        var prod = ssmOut * xConv;
        var ds = prod.narrow(-1, 0, Dim);
        var da = prod.narrow(-1, Dim, Dim);
        var r = new DarIntermediates(x, inp, u, dt, b, c, y, hLast, convIn, xConv, ssmOut, ds, da);
        foreach (var t in new[] { inp, u, dt, b, c, y, hLast, convIn, xConv, ssmOut, ds, da }) t.MoveToOuterDisposeScope();
        return r;
    }

    /// <summary>
    /// Refines the text features with the image prior <paramref name="vbar"/> [B, P, D]: returns per image
    /// <c>T_l'</c>, <c>T_g'</c> [B, 2, D] and the intermediates.
    /// </summary>
    public (Tensor LocalRefined, Tensor GlobalRefined, DarIntermediates Parts) Refine(Tensor vbar, Tensor textLocal, Tensor textGlobal)
    {
        using var scope = torch.NewDisposeScope();
        long batch = vbar.shape[0], patches = vbar.shape[1];
        var x = torch.cat([vbar, textLocal.unsqueeze(0).expand(batch, 2, Dim), textGlobal.unsqueeze(0).expand(batch, 2, Dim)], 1);
        var parts = Forward(x);
        var localRefined = nn.functional.normalize(textLocal + gamma_s * parts.DS.narrow(1, patches, 2), dim: -1);
        var globalRefined = nn.functional.normalize(textGlobal + gamma_a * parts.DA.narrow(1, patches + 2, 2), dim: -1);
        x.MoveToOuterDisposeScope();
        foreach (var t in new[] { parts.In, parts.U, parts.Dt, parts.B, parts.C, parts.XSsm, parts.HLast, parts.ConvIn, parts.XConv, parts.SsmOut, parts.DS, parts.DA })
            t.MoveToOuterDisposeScope();
        return (localRefined.MoveToOuterDisposeScope(), globalRefined.MoveToOuterDisposeScope(), parts);
    }
}
