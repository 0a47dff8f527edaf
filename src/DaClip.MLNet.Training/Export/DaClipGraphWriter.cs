using TorchSharp;
using static TorchSharp.torch;

namespace DaClip.MLNet.Training.Export;

/// <summary>
/// The DA-CLIP exporter's view of an <see cref="OnnxGraphBuilder"/>: weights from TorchSharp tensors (float32, or the
/// compute precision), cached scalar constants, precision casts and the few composite operations every graph part
/// uses. "Compute" values are float16 under <see cref="OnnxPrecision.Float16"/> and float32 otherwise; everything else
/// is float32. Under <see cref="OnnxPrecision.Int8"/> the linear layers' weights are int8 (<see cref="LinearWeights"/>).
/// </summary>
internal sealed class DaClipGraphWriter
{
    private readonly Dictionary<(float Value, bool Half), string> _scalars = new();

    public DaClipGraphWriter(OnnxGraphBuilder graph, OnnxPrecision precision, Int8MatMulForm int8Form = Int8MatMulForm.DynamicQuantizeMatMul)
    {
        Graph = graph;
        Precision = precision;
        Int8Form = int8Form;
    }

    public OnnxGraphBuilder Graph { get; }

    public OnnxPrecision Precision { get; }

    /// <summary>How quantised matrix products are written under <see cref="OnnxPrecision.Int8"/>.</summary>
    public Int8MatMulForm Int8Form { get; }

    /// <summary>The batch size N as a 1-d int64 tensor of one element; set once the input exists (<see cref="SetBatchFrom"/>).</summary>
    public string Batch { get; private set; } = "";

    /// <summary>True when the compute precision is float16.</summary>
    public bool Half => Precision == OnnxPrecision.Float16;

    /// <summary>Takes the batch size from axis 0 of <paramref name="input"/>.</summary>
    public void SetBatchFrom(string input) => Batch = Graph.Slice(Graph.Shape(input), [0], [1]);

    /// <summary>The 1-d int64 shape [N, <paramref name="rest"/>...].</summary>
    public string BatchShape(params long[] rest) => Graph.Concat(0, Batch, Graph.Int64s(rest));

    /// <summary>A float32 initializer holding <paramref name="tensor"/> (any shape), named <paramref name="name"/>.</summary>
    public string Float(string name, Tensor tensor)
    {
        var (values, shape) = Read(tensor);
        return Graph.AddInitializer(name, values, shape);
    }

    /// <summary>An initializer holding <paramref name="tensor"/> in the compute precision.</summary>
    public string Compute(string name, Tensor tensor)
    {
        if (!Half) return Float(name, tensor);
        var (values, shape) = Read(tensor);
        var halves = new Half[values.Length];
        for (int i = 0; i < values.Length; i++) halves[i] = (Half)values[i];
        return Graph.AddInitializer(name, halves, shape);
    }

    /// <summary>A float32 scalar constant (shared between uses).</summary>
    public string Scalar(double value) => CachedScalar((float)value, half: false);

    /// <summary>A scalar constant in the compute precision (shared between uses).</summary>
    public string ComputeScalar(double value) => CachedScalar((float)value, Half);

    /// <summary>Casts a float32 value to the compute precision (no node under float32).</summary>
    public string ToCompute(string x) => Half ? Graph.Cast(x, OnnxElementType.Float16) : x;

    /// <summary>Casts a compute-precision value to float32 (no node under float32).</summary>
    public string ToFloat(string x) => Half ? Graph.Cast(x, OnnxElementType.Float) : x;

    /// <summary>
    /// The initializers of a linear layer <c>x Wᵀ + b</c> (PyTorch's [out, in] weight, [out] bias), named
    /// <paramref name="weightName"/> and <paramref name="biasName"/>: in the compute precision, or under
    /// <see cref="OnnxPrecision.Int8"/> the weight quantised (<see cref="QuantizeRows"/>).
    /// </summary>
    public LinearWeights LinearWeights(string weightName, Tensor weight, string biasName, Tensor bias)
    {
        if (Precision != OnnxPrecision.Int8) return new LinearWeights(Compute(weightName, weight), Compute(biasName, bias), null);
        var (values, shape) = Read(weight);
        var (quantized, scales) = QuantizeRows(values, (int)shape[0], (int)shape[1]);
        return new LinearWeights(Graph.AddInitializer(weightName + ".int8", quantized, shape[1], shape[0]), Float(biasName, bias),
            Graph.AddInitializer(weightName + ".scale", scales, shape[0]));
    }

    /// <summary>
    /// <c>x Wᵀ + b</c> for 2-d <paramref name="x"/> [M, in] in the compute precision: <c>Gemm</c> with <c>transB</c>
    /// (PyTorch's layout kept), or under <see cref="OnnxPrecision.Int8"/> the dynamically quantised product in the
    /// form <see cref="Int8Form"/>; the result is in the compute precision.
    /// </summary>
    public string Linear(string x, LinearWeights layer)
    {
        if (layer.Scales is not { } scales) return Graph.Gemm(x, layer.Weight, layer.Bias, transB: true);
        switch (Int8Form)
        {
            case Int8MatMulForm.DynamicQuantizeMatMul:
                return Graph.Node("DynamicQuantizeMatMul", [x, layer.Weight, scales, "", layer.Bias], domain: AttentionGraph.MicrosoftDomain);
            case Int8MatMulForm.MatMulIntegerToFloat:
                {
                    var q = Graph.NodeMulti("DynamicQuantizeLinear", [x], 3);
                    return Graph.Node("MatMulIntegerToFloat", [q[0], layer.Weight, q[1], scales, q[2], "", layer.Bias], domain: AttentionGraph.MicrosoftDomain);
                }
            default:
                {
                    var q = Graph.NodeMulti("DynamicQuantizeLinear", [x], 3);
                    var product = Graph.Cast(Graph.Node("MatMulInteger", [q[0], layer.Weight, q[2]]), OnnxElementType.Float);
                    return Graph.Add(Graph.Mul(Graph.Mul(product, q[1]), scales), layer.Bias);
                }
        }
    }

    /// <summary>
    /// Symmetric per-output-channel int8 quantisation of a row-major [out, in] weight: row o gets the scale
    /// <c>max|W[o, :]| / 127</c> (1 for an all-zero row) and the values <c>round(W / scale)</c> (half to even) in
    /// [-127, 127]. Returns the values transposed to [in, out] (the B operand of <c>MatMulInteger</c>) and the scales.
    /// </summary>
    public static (sbyte[] Transposed, float[] Scales) QuantizeRows(ReadOnlySpan<float> weight, int rows, int columns)
    {
        var rowMajor = new sbyte[rows * columns];
        var scales = new float[rows];
        for (int o = 0; o < rows; o++)
        {
            var row = weight.Slice(o * columns, columns);
            float max = 0;
            foreach (var v in row) max = Math.Max(max, Math.Abs(v));
            float scale = max > 0 ? max / 127f : 1f;
            scales[o] = scale;
            var target = rowMajor.AsSpan(o * columns, columns);
            for (int i = 0; i < columns; i++)
                target[i] = (sbyte)Math.Clamp(Math.Round(row[i] / (double)scale, MidpointRounding.ToEven), -127, 127);
        }
        // Transpose in 64 x 64 tiles (cache-friendly for the 1024 x 4096 matrices of ViT-L).
        const int tile = 64;
        var transposed = new sbyte[rows * columns];
        for (int o0 = 0; o0 < rows; o0 += tile)
            for (int i0 = 0; i0 < columns; i0 += tile)
                for (int o = o0; o < Math.Min(o0 + tile, rows); o++)
                    for (int i = i0; i < Math.Min(i0 + tile, columns); i++)
                        transposed[i * rows + o] = rowMajor[o * columns + i];
        return (transposed, scales);
    }

    /// <summary>CLIP's QuickGELU <c>x · sigmoid(1.702 x)</c> in the precision of <paramref name="x"/> (compute).</summary>
    public string QuickGelu(string x) => Graph.Mul(x, Graph.Sigmoid(Graph.Mul(x, ComputeScalar(1.702))));

    /// <summary><c>x · sigmoid(x)</c> (float32).</summary>
    public string Silu(string x) => Graph.Mul(x, Graph.Sigmoid(x));

    /// <summary>PyTorch's <c>F.normalize(x, dim=-1)</c>: <c>x / max(‖x‖₂, 1e-12)</c> along the last axis (float32).</summary>
    public string L2Normalize(string x) => Graph.Div(x, Graph.Max(Graph.ReduceL2(x, [-1]), Scalar(1e-12)));

    /// <summary>LayerNorm over the last axis with PyTorch's epsilon 1e-5; float32 in and out.</summary>
    public string LayerNorm(string x, string scale, string bias) => Graph.LayerNormalization(x, scale, bias, -1, 1e-5f);

    private string CachedScalar(float value, bool half)
    {
        if (_scalars.TryGetValue((value, half), out var name)) return name;
        name = half ? Graph.AddInitializer(null, [(Half)value]) : Graph.AddInitializer(null, [value]);
        _scalars[(value, half)] = name;
        return name;
    }

    private static (float[] Values, long[] Shape) Read(Tensor tensor)
    {
        using var scope = torch.NewDisposeScope();
        var t = tensor.detach().to(ScalarType.Float32).cpu().contiguous();
        return (t.data<float>().ToArray(), t.shape);
    }
}
