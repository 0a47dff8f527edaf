using TorchSharp;
using static TorchSharp.torch;

namespace DaClip.MLNet.Training.Export;

/// <summary>
/// The frozen CLIP image tower with DA-CLIP's V-V path (METHOD §1, §2) as graph nodes. Tokens travel as a 2-d
/// [N·T, W] matrix (T = 1 + P) so that every projection is one <c>Gemm</c> with PyTorch's weight layout. Only what
/// the outputs need is computed: the V-V stream from <c>VvStartLayer</c> up to the last tap that reads it, and in the
/// last block the original stream for the class token alone (its keys and values still span every token).
/// The 1/√d attention scale is folded into the query rows of <c>in_proj</c> (exact for CLIP's head width 64).
/// </summary>
internal static class VisionTowerGraph
{
    /// <summary>
    /// Emits the tower on [0, 1] pixels [N, 3, S, S]; returns the normalised patch features [N, taps, P, D] and the
    /// normalised global feature [N, D], both float32.
    /// </summary>
    public static (string PatchFeatures, string Global) Emit(DaClipGraphWriter w, ExportedNetwork net, string pixels, bool fusedAttention)
    {
        var g = w.Graph;
        var cfg = net.Clip.Config;
        var visual = net.Clip.Visual;
        var prm = visual.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter, StringComparer.Ordinal);
        int grid = net.Grid, patches = grid * grid, tokens = patches + 1, width = cfg.VisionWidth, heads = cfg.VisionHeads;
        int depth = cfg.VisionLayers, vvStart = net.Visual.VvStartLayer;
        var taps = net.Visual.Taps;
        int lastVvLayer = taps.Where(t => t >= vvStart).DefaultIfEmpty(0).Max();
        var attention = new AttentionGraph(w, tokens, width, heads, fusedAttention);

        // CLIP normalisation, patch convolution, class token and positional embedding, ln_pre.
        g.NodeNamePrefix = "vision/embed/";
        var mean = g.AddInitializer("pixel_mean", DaClipModelOptions.ClipMean.ToArray(), 1, 3, 1, 1);
        var std = g.AddInitializer("pixel_std", DaClipModelOptions.ClipStd.ToArray(), 1, 3, 1, 1);
        var normalized = w.ToCompute(g.Div(g.Sub(pixels, mean), std));
        int patch = cfg.VisionPatchSize;
        var conv = w.ToFloat(g.Conv(normalized, w.Compute("visual.conv1.weight", prm["conv1.weight"]), strides: [patch, patch]));
        var patchTokens = g.Transpose(g.Reshape(conv, 0, width, patches), 0, 2, 1);                  // [N, P, W]
        using var pos = visual.PositionalEmbeddingFor(grid, net.Options.PositionalInterpolation);
        patchTokens = g.Add(patchTokens, w.Float("visual.positional_embedding.patches", pos.narrow(0, 1, patches)));
        using var clsRow = (prm["class_embedding"] + pos[0]).reshape(1, 1, width);
        var cls = g.Expand(w.Float("visual.class_token", clsRow), w.BatchShape(1, width));
        var x = g.Reshape(g.Concat(1, cls, patchTokens), -1, width);                                   // [N·T, W]
        x = w.LayerNorm(x, w.Float("visual.ln_pre.weight", prm["ln_pre.weight"]), w.Float("visual.ln_pre.bias", prm["ln_pre.bias"]));

        string? v = null;
        var tapTokens = new string[taps.Length];
        for (int layer = 1; layer <= depth; layer++)
        {
            var key = $"transformer.resblocks.{layer - 1}.";
            g.NodeNamePrefix = $"vision/block{layer}/";
            string Param(string name) => w.Float("visual." + key + name, prm[key + name]);
            var block = new BlockWeights(w, prm, "visual." + key, key, width, heads);
            var a = w.ToCompute(w.LayerNorm(x, Param("ln_1.weight"), Param("ln_1.bias")));
            bool vvHere = layer >= vvStart && layer <= lastVvLayer;
            if (vvHere) v ??= x;
            string values;
            if (layer < depth)
            {
                var qkv = g.Split(w.Linear(a, block.InProjScaled()), 1, width, width, width);
                values = qkv[2];
                var context = attention.Emit(qkv[0], qkv[1], values, tokens, 1.0);
                x = g.Add(x, w.ToFloat(w.Linear(context, block.Out)));
                x = g.Add(x, Mlp(w, x, Param("ln_2.weight"), Param("ln_2.bias"), block));
            }
            else
            {
                // The last block feeds only the class token onwards: its query and MLP run on that row alone.
                var kv = g.Split(w.Linear(a, block.KeyValue()), 1, width, width);
                values = kv[1];
                var clsA = ClassRows(g, a, tokens, width);
                var context = attention.Emit(w.Linear(clsA, block.QueryScaled()), kv[0], values, 1, 1.0);
                var clsX = g.Add(ClassRows(g, x, tokens, width), w.ToFloat(w.Linear(context, block.Out)));
                x = g.Add(clsX, Mlp(w, clsX, Param("ln_2.weight"), Param("ln_2.bias"), block));  // [N, W]
            }
            if (vvHere)
            {
                // V-V attention: query = key = value = the V projection, same out_proj, no MLP.
                g.NodeNamePrefix = $"vision/block{layer}/vv/";
                var context = attention.Emit(values, values, values, tokens, attention.Scale);
                v = g.Add(v!, w.ToFloat(w.Linear(context, block.Out)));
            }
            int tapIndex = Array.IndexOf(taps, layer);
            if (tapIndex >= 0) tapTokens[tapIndex] = layer >= vvStart ? v! : x;
        }

        // Tapped patch tokens and the class token through ln_post and proj, L2-normalised.
        g.NodeNamePrefix = "vision/project/";
        var lnPostW = w.Float("visual.ln_post.weight", prm["ln_post.weight"]);
        var lnPostB = w.Float("visual.ln_post.bias", prm["ln_post.bias"]);
        var proj = w.Float("visual.proj", prm["proj"]);
        var stacked = g.Concat(1, tapTokens.Select(t => g.Slice(g.Reshape(t, -1, 1, tokens, width), [1], [tokens], [2])).ToArray());
        var patchFeatures = w.L2Normalize(g.MatMul(w.LayerNorm(stacked, lnPostW, lnPostB), proj));          // [N, taps, P, D]
        var global = w.L2Normalize(g.MatMul(w.LayerNorm(x, lnPostW, lnPostB), proj));                       // [N, D]
        return (patchFeatures, global);
    }

    /// <summary><c>mlp(ln_2(x))</c> in the compute precision, returned as float32.</summary>
    private static string Mlp(DaClipGraphWriter w, string x, string lnWeight, string lnBias, BlockWeights block)
    {
        var h = w.ToCompute(w.LayerNorm(x, lnWeight, lnBias));
        h = w.QuickGelu(w.Linear(h, block.Fc));
        return w.ToFloat(w.Linear(h, block.Proj));
    }

    /// <summary>Row 0 of every image (the class token) of tokens [N·T, W], as [N, W].</summary>
    private static string ClassRows(OnnxGraphBuilder g, string x, int tokens, int width) =>
        g.Reshape(g.Slice(g.Reshape(x, -1, tokens, width), [0], [1], [1]), -1, width);

    /// <summary>
    /// One block's linear layers as initializers (compute precision, or int8 under <see cref="OnnxPrecision.Int8"/>),
    /// with the query rows of <c>in_proj</c> pre-scaled; the <c>in_proj</c> variants are written when first asked for.
    /// </summary>
    private sealed class BlockWeights
    {
        private readonly DaClipGraphWriter _w;
        private readonly Tensor _inWeight;
        private readonly Tensor _inBias;
        private readonly string _name;
        private readonly int _width;
        private readonly double _scale;

        public BlockWeights(DaClipGraphWriter w, IReadOnlyDictionary<string, Tensor> prm, string name, string key, int width, int heads)
        {
            _w = w;
            _name = name;
            _width = width;
            _scale = 1.0 / Math.Sqrt(width / heads);
            _inWeight = prm[key + "attn.in_proj_weight"];
            _inBias = prm[key + "attn.in_proj_bias"];
            LinearWeights Layer(string part) =>
                w.LinearWeights(name + part + ".weight", prm[key + part + ".weight"], name + part + ".bias", prm[key + part + ".bias"]);
            Out = Layer("attn.out_proj");
            Fc = Layer("mlp.c_fc");
            Proj = Layer("mlp.c_proj");
        }

        public LinearWeights Out { get; }
        public LinearWeights Fc { get; }
        public LinearWeights Proj { get; }

        /// <summary>q, k, v rows of <c>in_proj</c>, the query rows multiplied by 1/√d.</summary>
        public LinearWeights InProjScaled() => Scaled("attn.in_proj_weight.scaled_q", "attn.in_proj_bias.scaled_q", 3 * _width);

        /// <summary>The query rows alone, multiplied by 1/√d.</summary>
        public LinearWeights QueryScaled() => Scaled("attn.q_proj_weight.scaled", "attn.q_proj_bias.scaled", _width);

        /// <summary>The key and value rows.</summary>
        public LinearWeights KeyValue()
        {
            using var scope = torch.NewDisposeScope();
            return _w.LinearWeights(_name + "attn.kv_proj_weight", _inWeight.narrow(0, _width, 2 * _width),
                _name + "attn.kv_proj_bias", _inBias.narrow(0, _width, 2 * _width));
        }

        /// <summary>The first <paramref name="count"/> rows of in_proj, the query rows (the first W) multiplied by 1/√d.</summary>
        private LinearWeights Scaled(string weightName, string biasName, int count)
        {
            using var scope = torch.NewDisposeScope();
            Tensor Rows(Tensor t)
            {
                var q = t.narrow(0, 0, _width) * _scale;
                return count > _width ? torch.cat([q, t.narrow(0, _width, count - _width)], 0) : q;
            }
            return _w.LinearWeights(_name + weightName, Rows(_inWeight), _name + biasName, Rows(_inBias));
        }
    }
}
