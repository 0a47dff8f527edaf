namespace DaClip.MLNet.Training.Export;

// Helpers for the operators the DA-CLIP graph needs; each adds one node (plus constant initializers where an
// operator takes axes, shapes or pads as inputs) and returns its output's name. They emit the form of the operator
// valid at the builder's opset (for instance ReduceMean's axes are an attribute below opset 18 and an input from 18).
internal sealed partial class OnnxGraphBuilder
{
    /// <summary>Matrix product with NumPy broadcasting (<c>MatMul</c>).</summary>
    public string MatMul(string a, string b) => Node("MatMul", [a, b]);

    /// <summary><c>alpha * A' B' + beta * C</c>, A' / B' optionally transposed (<c>Gemm</c>); <paramref name="c"/> null to omit.</summary>
    public string Gemm(string a, string b, string? c = null, float alpha = 1f, float beta = 1f, bool transA = false, bool transB = false) =>
        Node("Gemm", c == null ? [a, b] : [a, b, c],
            [OnnxAttribute.Float("alpha", alpha), OnnxAttribute.Float("beta", beta),
             OnnxAttribute.Int("transA", transA ? 1 : 0), OnnxAttribute.Int("transB", transB ? 1 : 0)]);

    /// <summary>Element-wise <c>a + b</c> with broadcasting.</summary>
    public string Add(string a, string b) => Node("Add", [a, b]);

    /// <summary>Element-wise <c>a - b</c> with broadcasting.</summary>
    public string Sub(string a, string b) => Node("Sub", [a, b]);

    /// <summary>Element-wise <c>a * b</c> with broadcasting.</summary>
    public string Mul(string a, string b) => Node("Mul", [a, b]);

    /// <summary>Element-wise <c>a / b</c> with broadcasting.</summary>
    public string Div(string a, string b) => Node("Div", [a, b]);

    /// <summary>Element-wise <c>a ^ b</c> with broadcasting.</summary>
    public string Pow(string a, string b) => Node("Pow", [a, b]);

    /// <summary>Element-wise minimum of the inputs.</summary>
    public string Min(params string[] inputs) => Node("Min", inputs);

    /// <summary>Element-wise maximum of the inputs.</summary>
    public string Max(params string[] inputs) => Node("Max", inputs);

    /// <summary>Element-wise square root.</summary>
    public string Sqrt(string x) => Node("Sqrt", [x]);

    /// <summary>Element-wise exponential.</summary>
    public string Exp(string x) => Node("Exp", [x]);

    /// <summary>Element-wise natural logarithm.</summary>
    public string Log(string x) => Node("Log", [x]);

    /// <summary>Element-wise negation.</summary>
    public string Neg(string x) => Node("Neg", [x]);

    /// <summary>Element-wise absolute value.</summary>
    public string Abs(string x) => Node("Abs", [x]);

    /// <summary>Element-wise <c>1 / x</c>.</summary>
    public string Reciprocal(string x) => Node("Reciprocal", [x]);

    /// <summary>Element-wise logistic sigmoid.</summary>
    public string Sigmoid(string x) => Node("Sigmoid", [x]);

    /// <summary>Element-wise hyperbolic tangent.</summary>
    public string Tanh(string x) => Node("Tanh", [x]);

    /// <summary>Element-wise error function.</summary>
    public string Erf(string x) => Node("Erf", [x]);

    /// <summary>Element-wise <c>max(x, 0)</c>.</summary>
    public string Relu(string x) => Node("Relu", [x]);

    /// <summary>Element-wise <c>log(1 + exp(x))</c>.</summary>
    public string Softplus(string x) => Node("Softplus", [x]);

    /// <summary>GELU with the exact (erf) form, <c>0.5 x (1 + erf(x / sqrt 2))</c>: the <c>Gelu</c> operator from opset 20, the composite before.</summary>
    public string GeluErf(string x)
    {
        if (Opset >= 20) return Node("Gelu", [x], [OnnxAttribute.String("approximate", "none")]);
        var erf = Erf(Mul(x, Scalar((float)(1.0 / Math.Sqrt(2.0)))));
        return Mul(Mul(x, Scalar(0.5f)), Add(erf, Scalar(1f)));
    }

    /// <summary>CLIP's QuickGELU, <c>x * sigmoid(1.702 x)</c>.</summary>
    public string QuickGelu(string x) => Mul(x, Sigmoid(Mul(x, Scalar(1.702f))));

    /// <summary>Copies the input.</summary>
    public string Identity(string x) => Node("Identity", [x]);

    /// <summary>Element-wise <c>a &gt; b</c> (bool output).</summary>
    public string Greater(string a, string b) => Node("Greater", [a, b]);

    /// <summary>Element-wise <c>a &lt; b</c> (bool output).</summary>
    public string Less(string a, string b) => Node("Less", [a, b]);

    /// <summary>Element-wise <c>a == b</c> (bool output).</summary>
    public string Equal(string a, string b) => Node("Equal", [a, b]);

    /// <summary>Element-wise logical and.</summary>
    public string And(string a, string b) => Node("And", [a, b]);

    /// <summary>Element-wise logical not.</summary>
    public string Not(string x) => Node("Not", [x]);

    /// <summary>Element-wise <c>condition ? a : b</c> with broadcasting.</summary>
    public string Where(string condition, string a, string b) => Node("Where", [condition, a, b]);

    /// <summary>Converts the element type.</summary>
    public string Cast(string x, OnnxElementType to) => Node("Cast", [x], [OnnxAttribute.Int("to", (long)to)]);

    /// <summary>Reshapes to a constant shape (0 copies the input dimension, -1 is inferred).</summary>
    public string Reshape(string x, params long[] shape) => Node("Reshape", [x, Int64s(shape)]);

    /// <summary>Reshapes to the shape held by the int64 value <paramref name="shape"/>.</summary>
    public string ReshapeTo(string x, string shape) => Node("Reshape", [x, shape]);

    /// <summary>Permutes the axes.</summary>
    public string Transpose(string x, params long[] perm) => Node("Transpose", [x], [OnnxAttribute.Ints("perm", perm)]);

    /// <summary>Flattens to 2-d: dimensions before <paramref name="axis"/> and from it.</summary>
    public string Flatten(string x, long axis = 1) => Node("Flatten", [x], [OnnxAttribute.Int("axis", axis)]);

    /// <summary>Inserts size-1 axes.</summary>
    public string Unsqueeze(string x, params long[] axes) => Node("Unsqueeze", [x, Int64s(axes)]);

    /// <summary>Removes size-1 axes.</summary>
    public string Squeeze(string x, params long[] axes) => Node("Squeeze", [x, Int64s(axes)]);

    /// <summary>The shape of <paramref name="x"/> as a 1-d int64 tensor.</summary>
    public string Shape(string x) => Node("Shape", [x]);

    /// <summary>Broadcasts to the shape held by the int64 value <paramref name="shape"/>.</summary>
    public string Expand(string x, string shape) => Node("Expand", [x, shape]);

    /// <summary>Joins the inputs along <paramref name="axis"/>.</summary>
    public string Concat(long axis, params string[] inputs) => Node("Concat", inputs, [OnnxAttribute.Int("axis", axis)]);

    /// <summary>Splits along <paramref name="axis"/> into pieces of the given sizes.</summary>
    public IReadOnlyList<string> Split(string x, long axis, params long[] sizes) =>
        NodeMulti("Split", [x, Int64s(sizes)], sizes.Length, [OnnxAttribute.Int("axis", axis)]);

    /// <summary>Constant slice <c>x[starts:ends:steps]</c> on <paramref name="axes"/> (all leading axes when null).</summary>
    public string Slice(string x, long[] starts, long[] ends, long[]? axes = null, long[]? steps = null)
    {
        var inputs = new List<string> { x, Int64s(starts), Int64s(ends) };
        if (axes != null || steps != null) inputs.Add(axes != null ? Int64s(axes) : "");
        if (steps != null) inputs.Add(Int64s(steps));
        return Node("Slice", inputs);
    }

    /// <summary>Takes entries of <paramref name="x"/> along <paramref name="axis"/> at the int64 <paramref name="indices"/>.</summary>
    public string Gather(string x, string indices, long axis = 0) => Node("Gather", [x, indices], [OnnxAttribute.Int("axis", axis)]);

    /// <summary>Softmax along <paramref name="axis"/>.</summary>
    public string Softmax(string x, long axis = -1) => Node("Softmax", [x], [OnnxAttribute.Int("axis", axis)]);

    /// <summary>LayerNorm over the axes from <paramref name="axis"/> on (opset 17 operator), with scale and optional bias.</summary>
    public string LayerNormalization(string x, string scale, string? bias, long axis = -1, float epsilon = 1e-5f)
    {
        if (Opset < 17) throw new OnnxGraphException($"LayerNormalization needs opset 17 or later; graph '{Name}' targets opset {Opset}.");
        return Node("LayerNormalization", bias == null ? [x, scale] : [x, scale, bias],
            [OnnxAttribute.Int("axis", axis), OnnxAttribute.Float("epsilon", epsilon)]);
    }

    /// <summary>Mean over <paramref name="axes"/>.</summary>
    public string ReduceMean(string x, long[] axes, bool keepDims = true) => Reduce("ReduceMean", x, axes, keepDims);

    /// <summary>Maximum over <paramref name="axes"/>.</summary>
    public string ReduceMax(string x, long[] axes, bool keepDims = true) => Reduce("ReduceMax", x, axes, keepDims);

    /// <summary>Sum over <paramref name="axes"/>.</summary>
    public string ReduceSum(string x, long[] axes, bool keepDims = true) =>
        Node("ReduceSum", [x, Int64s(axes)], [OnnxAttribute.Int("keepdims", keepDims ? 1 : 0)]);

    /// <summary>Euclidean norm over <paramref name="axes"/>.</summary>
    public string ReduceL2(string x, long[] axes, bool keepDims = true) => Reduce("ReduceL2", x, axes, keepDims);

    /// <summary>Running sum along <paramref name="axis"/> (inclusive unless <paramref name="exclusive"/>).</summary>
    public string CumSum(string x, long axis, bool exclusive = false, bool reverse = false) =>
        Node("CumSum", [x, ScalarInt64(axis)], [OnnxAttribute.Int("exclusive", exclusive ? 1 : 0), OnnxAttribute.Int("reverse", reverse ? 1 : 0)]);

    /// <summary>The <paramref name="k"/> largest (or smallest) entries along <paramref name="axis"/>: (values, int64 indices).</summary>
    public (string Values, string Indices) TopK(string x, long k, long axis = -1, bool largest = true, bool sorted = true)
    {
        var outputs = NodeMulti("TopK", [x, Int64s(k)], 2,
            [OnnxAttribute.Int("axis", axis), OnnxAttribute.Int("largest", largest ? 1 : 0), OnnxAttribute.Int("sorted", sorted ? 1 : 0)]);
        return (outputs[0], outputs[1]);
    }

    /// <summary>N-d convolution (NCHW), optional bias; <paramref name="pads"/> as [begin..., end...].</summary>
    public string Conv(string x, string weight, string? bias = null, long[]? strides = null, long[]? pads = null,
        long[]? dilations = null, long group = 1)
    {
        var attributes = new List<OnnxAttribute> { OnnxAttribute.Int("group", group) };
        if (strides != null) attributes.Add(OnnxAttribute.Ints("strides", strides));
        if (pads != null) attributes.Add(OnnxAttribute.Ints("pads", pads));
        if (dilations != null) attributes.Add(OnnxAttribute.Ints("dilations", dilations));
        return Node("Conv", bias == null ? [x, weight] : [x, weight, bias], attributes);
    }

    /// <summary>Average pooling (padding excluded from the count).</summary>
    public string AveragePool(string x, long[] kernelShape, long[]? strides = null, long[]? pads = null) =>
        Pool("AveragePool", x, kernelShape, strides, pads);

    /// <summary>Max pooling.</summary>
    public string MaxPool(string x, long[] kernelShape, long[]? strides = null, long[]? pads = null) =>
        Pool("MaxPool", x, kernelShape, strides, pads);

    /// <summary>
    /// Pads with <paramref name="pads"/> = [begin per axis..., end per axis...]; <paramref name="mode"/> <c>constant</c>
    /// (float32 <paramref name="constantValue"/>), <c>reflect</c> (edge not repeated) or <c>edge</c>.
    /// </summary>
    public string Pad(string x, long[] pads, string mode = "constant", float constantValue = 0f) =>
        Node("Pad", mode == "constant" ? [x, Int64s(pads), Scalar(constantValue)] : [x, Int64s(pads)],
            [OnnxAttribute.String("mode", mode)]);

    /// <summary>
    /// Resizes to the given full output <paramref name="sizes"/> (all axes). <paramref name="mode"/>: <c>nearest</c>,
    /// <c>linear</c> or <c>cubic</c>; <paramref name="coordinateTransformation"/>: e.g. <c>half_pixel</c> (PyTorch's
    /// align_corners = false), <c>align_corners</c>, <c>asymmetric</c>; <paramref name="cubicCoeffA"/> -0.75 as PyTorch.
    /// </summary>
    public string Resize(string x, long[] sizes, string mode = "linear", string coordinateTransformation = "half_pixel",
        float cubicCoeffA = -0.75f, string nearestMode = "floor") =>
        Node("Resize", [x, "", "", Int64s(sizes)], ResizeAttributes(mode, coordinateTransformation, cubicCoeffA, nearestMode));

    /// <summary>Resizes by per-axis <paramref name="scales"/>; see <see cref="Resize"/> for the modes.</summary>
    public string ResizeByScales(string x, float[] scales, string mode = "linear", string coordinateTransformation = "half_pixel",
        float cubicCoeffA = -0.75f, string nearestMode = "floor") =>
        Node("Resize", [x, "", Floats(scales)], ResizeAttributes(mode, coordinateTransformation, cubicCoeffA, nearestMode));

    /// <summary>Einstein summation, e.g. <c>"bij,bjk->bik"</c>.</summary>
    public string Einsum(string equation, params string[] inputs) => Node("Einsum", inputs, [OnnxAttribute.String("equation", equation)]);

    /// <summary>Clamps to [min, max]; either bound may be null.</summary>
    public string Clip(string x, string? min, string? max) =>
        Node("Clip", max == null ? (min == null ? [x] : [x, min]) : [x, min ?? "", max]);

    /// <summary>A <c>Constant</c> node holding <paramref name="value"/> (built with <see cref="OnnxTensors"/>).</summary>
    public string Constant(Onnx.TensorProto value) => Node("Constant", [], [OnnxAttribute.Tensor("value", value)]);

    /// <summary>A tensor of the shape held by <paramref name="shape"/>, filled with the float32 <paramref name="value"/>.</summary>
    public string ConstantOfShape(string shape, float value) =>
        Node("ConstantOfShape", [shape], [OnnxAttribute.Tensor("value", OnnxTensors.Float("", [value], 1))]);

    /// <summary>
    /// <c>Loop</c>: runs <paramref name="body"/> while the trip count (int64 scalar, "" for none) and the condition
    /// (bool scalar, "" for none) allow. The body's inputs are (iteration number int64, condition bool, loop-carried...),
    /// its outputs (condition bool, loop-carried..., scan outputs...).
    /// </summary>
    /// <returns>The final loop-carried values, then the <paramref name="scanOutputCount"/> stacked scan outputs.</returns>
    public IReadOnlyList<string> Loop(string tripCount, string condition, OnnxGraphBuilder body, IReadOnlyList<string> loopCarried, int scanOutputCount = 0) =>
        NodeMulti("Loop", [tripCount, condition, .. loopCarried], loopCarried.Count + scanOutputCount, [OnnxAttribute.Graph("body", body)]);

    /// <summary>
    /// <c>Scan</c>: runs <paramref name="body"/> once per slice of the scan inputs along axis 0, threading the states.
    /// The body's inputs are (states..., one slice per scan input), its outputs (states..., scan output slices...).
    /// </summary>
    /// <returns>The final states, then the <paramref name="scanOutputCount"/> stacked scan outputs.</returns>
    public IReadOnlyList<string> Scan(OnnxGraphBuilder body, IReadOnlyList<string> initialStates, IReadOnlyList<string> scanInputs, int scanOutputCount) =>
        NodeMulti("Scan", [.. initialStates, .. scanInputs], initialStates.Count + scanOutputCount,
            [OnnxAttribute.Graph("body", body), OnnxAttribute.Int("num_scan_inputs", scanInputs.Count)]);

    /// <summary><c>If</c>: the outputs of <paramref name="thenBranch"/> or <paramref name="elseBranch"/> (same count and types).</summary>
    public IReadOnlyList<string> If(string condition, OnnxGraphBuilder thenBranch, OnnxGraphBuilder elseBranch, int outputCount) =>
        NodeMulti("If", [condition], outputCount, [OnnxAttribute.Graph("then_branch", thenBranch), OnnxAttribute.Graph("else_branch", elseBranch)]);

    private string Reduce(string op, string x, long[] axes, bool keepDims)
    {
        var keep = OnnxAttribute.Int("keepdims", keepDims ? 1 : 0);
        return Opset >= 18
            ? Node(op, [x, Int64s(axes)], [keep])
            : Node(op, [x], [OnnxAttribute.Ints("axes", axes), keep]);
    }

    private string Pool(string op, string x, long[] kernelShape, long[]? strides, long[]? pads)
    {
        var attributes = new List<OnnxAttribute> { OnnxAttribute.Ints("kernel_shape", kernelShape) };
        if (strides != null) attributes.Add(OnnxAttribute.Ints("strides", strides));
        if (pads != null) attributes.Add(OnnxAttribute.Ints("pads", pads));
        return Node(op, [x], attributes);
    }

    private static OnnxAttribute[] ResizeAttributes(string mode, string coordinateTransformation, float cubicCoeffA, string nearestMode) =>
    [
        OnnxAttribute.String("mode", mode),
        OnnxAttribute.String("coordinate_transformation_mode", coordinateTransformation),
        OnnxAttribute.Float("cubic_coeff_a", cubicCoeffA),
        OnnxAttribute.String("nearest_mode", nearestMode),
    ];
}
