namespace DaClip.MLNet.Training.Export;

/// <summary>
/// Multi-head attention <c>softmax(s · q kᵀ) v</c> over token matrices, in one of two forms: ONNX Runtime's
/// <c>com.microsoft.MultiHeadAttention</c> (a fused kernel: flash attention on CPU, fused kernels on CUDA; no
/// [T, T] score tensor is materialised), or standard ONNX operators (head split, <c>MatMul</c>, float32
/// <c>Softmax</c>, <c>MatMul</c>, head merge) for runtimes other than ONNX Runtime.
/// </summary>
internal sealed class AttentionGraph
{
    /// <summary>The domain of ONNX Runtime's contrib operators.</summary>
    public const string MicrosoftDomain = "com.microsoft";

    private readonly DaClipGraphWriter _w;
    private readonly int _tokens;
    private readonly int _width;
    private readonly int _headCount;
    private readonly bool _fused;
    private readonly Dictionary<(string Value, int Tokens), string> _heads = new();

    public AttentionGraph(DaClipGraphWriter w, int tokens, int width, int heads, bool fused)
    {
        _w = w;
        _tokens = tokens;
        _width = width;
        _headCount = heads;
        _fused = fused;
    }

    /// <summary>1/√d for the head width d.</summary>
    public double Scale => 1.0 / Math.Sqrt(_width / _headCount);

    /// <summary>
    /// Attention of queries <paramref name="q"/> [N·Tq, W] over keys and values <paramref name="k"/>,
    /// <paramref name="v"/> [N·T, W] (compute precision), scores scaled by <paramref name="scale"/>; returns the heads
    /// merged, [N·Tq, W].
    /// </summary>
    public string Emit(string q, string k, string v, int queryTokens, double scale)
    {
        var g = _w.Graph;
        if (_fused)
        {
            string Rows(string x, int t) => g.Reshape(x, -1, t, _width);
            var context = g.Node("MultiHeadAttention", [Rows(q, queryTokens), Rows(k, _tokens), Rows(v, _tokens)],
                [OnnxAttribute.Int("num_heads", _headCount), OnnxAttribute.Float("scale", (float)scale)], domain: MicrosoftDomain);
            return g.Reshape(context, -1, _width);
        }
        var qh = SplitHeads(q, queryTokens);
        if (scale != 1.0) qh = g.Mul(qh, _w.ComputeScalar(scale));
        var scores = g.MatMul(qh, g.Transpose(SplitHeads(k, _tokens), 0, 1, 3, 2));
        var probs = _w.ToCompute(g.Softmax(_w.ToFloat(scores), -1));
        var merged = g.MatMul(probs, SplitHeads(v, _tokens));
        return g.Reshape(g.Transpose(merged, 0, 2, 1, 3), -1, _width);
    }

    /// <summary>[N·T, W] → [N, H, T, d], once per value (the V-V path uses its values three times).</summary>
    private string SplitHeads(string x, int tokens)
    {
        if (!_heads.TryGetValue((x, tokens), out var split))
        {
            split = _w.Graph.Transpose(_w.Graph.Reshape(x, -1, tokens, _headCount, _width / _headCount), 0, 2, 1, 3);
            _heads[(x, tokens)] = split;
        }
        return split;
    }
}
