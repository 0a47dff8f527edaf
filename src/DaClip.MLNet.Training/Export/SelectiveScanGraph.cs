namespace DaClip.MLNet.Training.Export;

/// <summary>
/// The selective scan of the DAR block (METHOD §4) as graph nodes, float32: <c>h_t = exp(Δ_t A) ⊙ h_{t-1} + Δ_t B_t u_t</c>
/// from h = 0, <c>y_t = h_t · C_t + D u_t</c>. Only the outputs of the last rows (the text rows) are returned, so the
/// image rows only have to deliver the state after them: <see cref="DarScanForm.Parallel"/> sums it in closed form,
/// <see cref="DarScanForm.Sequential"/> steps through them with an ONNX <c>Scan</c>. The text rows then step one by one.
/// </summary>
internal static class SelectiveScanGraph
{
    /// <summary>
    /// u, Δ [N, L, E]; B, C [N, L, Ns]; A [E, Ns]; D [E]; the first <paramref name="prefix"/> rows are the image rows,
    /// the last <paramref name="tail"/> the rows whose outputs are wanted. Returns y of those rows, [N, tail, E].
    /// </summary>
    public static string Emit(DaClipGraphWriter w, string u, string delta, string b, string c, string a, string d,
        int prefix, int tail, int inner, int state, DarScanForm form)
    {
        var g = w.Graph;
        g.NodeNamePrefix = "dar/scan/";
        string Rows(string t, int start, int count) => g.Slice(t, [start], [start + count], [1]);
        var (uI, dtI, bI) = (Rows(u, 0, prefix), Rows(delta, 0, prefix), Rows(b, 0, prefix));
        var h = form == DarScanForm.Parallel ? ClosedForm(w, uI, dtI, bI, a) : Stepped(w, uI, dtI, bI, a, inner, state);

        var ys = new string[tail];
        for (int i = 0; i < tail; i++)
        {
            var index = g.ScalarInt64(prefix + i);
            var (ut, dtt, bt, ct) = (g.Gather(u, index, 1), g.Gather(delta, index, 1), g.Gather(b, index, 1), g.Gather(c, index, 1));
            h = Step(w, h, ut, dtt, bt, a);
            var y = g.Add(g.ReduceSum(g.Mul(h, g.Unsqueeze(ct, 1)), [-1], keepDims: false), g.Mul(ut, d));   // [N, E]
            ys[i] = g.Unsqueeze(y, 1);
        }
        return g.Concat(1, ys);
    }

    /// <summary>One recurrence step: h [N, E, Ns], u_t, Δ_t [N, E], B_t [N, Ns].</summary>
    private static string Step(DaClipGraphWriter w, string h, string ut, string dtt, string bt, string a)
    {
        var g = w.Graph;
        var decay = g.Exp(g.Mul(g.Unsqueeze(dtt, -1), a));                                       // [N, E, Ns]
        var input = g.Mul(g.Unsqueeze(g.Mul(dtt, ut), -1), g.Unsqueeze(bt, 1));
        return g.Add(g.Mul(decay, h), input);
    }

    /// <summary>
    /// The state after all rows of u, Δ [N, L, E], B [N, L, Ns]:
    /// <c>h = Σ_s exp(A · Σ_{r&gt;s} Δ_r) ⊙ (Δ_s u_s) ⊗ B_s</c>. The suffix sums come from a reverse exclusive
    /// <c>CumSum</c>, so each segment's sum is accumulated directly, never as a difference of running sums. The terms
    /// are laid out state-major, [N, Ns, L, E]: the broadcasts run along the contiguous E axis, and the sum over rows
    /// weighted by B is one batched <c>MatMul</c> per state index.
    /// </summary>
    private static string ClosedForm(DaClipGraphWriter w, string u, string delta, string b, string a)
    {
        var g = w.Graph;
        var suffix = g.Unsqueeze(g.CumSum(delta, 1, exclusive: true, reverse: true), 1);             // [N, 1, L, E]
        var du = g.Unsqueeze(g.Mul(delta, u), 1);                                                    // [N, 1, L, E]
        var bRows = g.Unsqueeze(g.Transpose(b, 0, 2, 1), 2);                                         // [N, Ns, 1, L]
        var aT = g.Unsqueeze(g.Transpose(a, 1, 0), 1);                                               // [Ns, 1, E]
        var decay = g.Exp(g.Mul(suffix, aT));                                                        // [N, Ns, L, E]
        var h = g.MatMul(bRows, g.Mul(decay, du));                                                   // [N, Ns, 1, E]
        return g.Transpose(g.Squeeze(h, 2), 0, 2, 1);                                                // [N, E, Ns]
    }

    /// <summary>The state after all rows, one <see cref="Step"/> per row inside an ONNX <c>Scan</c> over axis 1.</summary>
    private static string Stepped(DaClipGraphWriter w, string u, string delta, string b, string a, int inner, int state)
    {
        var g = w.Graph;
        var body = g.CreateSubgraph("selective_scan_step");
        body.NodeNamePrefix = "dar/scan/step/";
        var hIn = body.AddInput(body.Name + "_h", OnnxElementType.Float, null);
        var ut = body.AddInput(body.Name + "_u", OnnxElementType.Float, null);
        var dtt = body.AddInput(body.Name + "_delta", OnnxElementType.Float, null);
        var bt = body.AddInput(body.Name + "_b", OnnxElementType.Float, null);
        var hOut = Step(new DaClipGraphWriter(body, OnnxPrecision.Float32), hIn, ut, dtt, bt, a);
        body.AddOutput(body.Name + "_h_next", OnnxElementType.Float, null, hOut);
        var h0 = g.ConstantOfShape(w.BatchShape(inner, state), 0f);
        var outputs = g.NodeMulti("Scan", [h0, u, delta, b], 1,
            [OnnxAttribute.Graph("body", body), OnnxAttribute.Int("num_scan_inputs", 3), OnnxAttribute.Ints("scan_input_axes", 1, 1, 1)]);
        return outputs[0];
    }
}
