using DaClip.MLNet.Training.Network;
using TorchSharp;
using static TorchSharp.torch;

namespace DaClip.MLNet.Training.Export;

/// <summary>
/// The DAR block (METHOD §4) as graph nodes, float32 throughout. Over <c>X = [V̄; T_l; T_g]</c> ([N, P + 4, D]) the
/// SSM branch runs on every row (the scan must cross the image rows), but since only the four text rows of the
/// offsets are used, <c>out_proj</c>, the scan output and the conv branch are evaluated for those rows alone (the
/// conv branch reads one row before them; the zero padding after them is the convolution's own).
/// </summary>
internal static class DarGraph
{
    /// <summary>Text rows at the end of the DAR sequence: T_l (2 rows), then T_g (2 rows).</summary>
    private const int TextRows = 4;

    /// <summary>
    /// Emits the refinement for the image prior <paramref name="vbar"/> [N, P, D] and the constant text features
    /// <paramref name="textLocal"/>, <paramref name="textGlobal"/> [2, D]; returns T_l', T_g' [N, 2, D].
    /// </summary>
    public static (string LocalRefined, string GlobalRefined) Emit(DaClipGraphWriter w, DarBlock dar, string vbar, string textLocal, string textGlobal,
        int patches, DarScanForm form)
    {
        var g = w.Graph;
        g.NodeNamePrefix = "dar/";
        var prm = dar.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter, StringComparer.Ordinal);
        string Param(string name) => w.Float("dar." + name, prm[name]);
        string Transposed(string name) => w.Float("dar." + name + ".t", prm[name].t());
        int dim = dar.Dim, inner = dar.Inner, state = dar.State, rank = dar.DtRank;

        var textShape = w.BatchShape(2, dim);
        var x = g.Concat(1, vbar, g.Expand(g.Unsqueeze(textLocal, 0), textShape), g.Expand(g.Unsqueeze(textGlobal, 0), textShape));  // [N, L, D]

        // SSM branch: u = SiLU(causal depthwise conv(in_proj X)); Δ, B, C from x_proj / dt_proj.
        var inp = g.MatMul(x, Transposed("in_proj.weight"));                                                      // [N, L, E]
        var conv = g.Conv(g.Transpose(inp, 0, 2, 1), Param("conv1d.weight"), Param("conv1d.bias"), pads: [3, 0], group: inner);
        var u = w.Silu(g.Transpose(conv, 0, 2, 1));
        var parts = g.Split(g.MatMul(u, Transposed("x_proj.weight")), 2, rank, state, state);
        var dt = g.Softplus(g.Add(g.MatMul(parts[0], Transposed("dt_proj.weight")), Param("dt_proj.bias")));
        string a;
        using (var negA = -torch.exp(prm["A_log"])) a = w.Float("dar.A", negA);
        var y = SelectiveScanGraph.Emit(w, u, dt, parts[1], parts[2], a, Param("D"), patches, TextRows, inner, state, form);   // [N, 4, E]
        g.NodeNamePrefix = "dar/";
        var ssmOut = g.Add(g.MatMul(y, Transposed("out_proj.weight")), Param("out_proj.bias"));                   // [N, 4, 2D]

        // Conv branch on the text rows: conv_proj of rows P-1 .. P+3, depthwise k3 conv with one zero on the right.
        var convIn = g.Add(g.MatMul(g.Slice(x, [patches - 1], [patches + TextRows], [1]), Transposed("conv_proj.weight")), Param("conv_proj.bias"));
        var xConv = g.Transpose(g.Conv(g.Transpose(convIn, 0, 2, 1), Param("conv.weight"), Param("conv.bias"), pads: [0, 1], group: 2 * dim), 0, 2, 1);

        var product = g.Mul(ssmOut, xConv);                                                                       // [N, 4, 2D]
        var ds = g.Slice(product, [0, 0], [2, dim], [1, 2]);                                                      // T_l rows, first D channels
        var da = g.Slice(product, [2, dim], [4, 2 * dim], [1, 2]);                                                // T_g rows, last D channels
        var local = w.L2Normalize(g.Add(textLocal, g.Mul(Param("gamma_s"), ds)));
        var global = w.L2Normalize(g.Add(textGlobal, g.Mul(Param("gamma_a"), da)));
        return (local, global);
    }
}
