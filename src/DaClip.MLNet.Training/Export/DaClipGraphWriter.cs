using TorchSharp;
using static TorchSharp.torch;

namespace DaClip.MLNet.Training.Export;

/// <summary>
/// The DA-CLIP exporter's view of an <see cref="OnnxGraphBuilder"/>: weights from TorchSharp tensors (float32, or the
/// compute precision), cached scalar constants, precision casts and the few composite operations every graph part
/// uses. "Compute" values are float16 under <see cref="OnnxPrecision.Float16"/> and float32 otherwise; everything else
/// is float32.
/// </summary>
internal sealed class DaClipGraphWriter
{
    private readonly Dictionary<(float Value, bool Half), string> _scalars = new();

    public DaClipGraphWriter(OnnxGraphBuilder graph, OnnxPrecision precision)
    {
        Graph = graph;
        Precision = precision;
    }

    public OnnxGraphBuilder Graph { get; }

    public OnnxPrecision Precision { get; }

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
    /// <c>x Wᵀ + b</c> for 2-d <paramref name="x"/> [M, in] in the compute precision, with PyTorch's [out, in] weight
    /// layout kept (<c>Gemm</c> with <c>transB</c>).
    /// </summary>
    public string Linear(string x, string weight, string? bias) => Graph.Gemm(x, weight, bias, transB: true);

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
