namespace DaClip.MLNet.Training.Export;

/// <summary>
/// How an <see cref="OnnxPrecision.Int8"/> export writes each quantised matrix product <c>x Wᵀ + b</c> (the weights are
/// the same int8 values and scales in every form; docs/onnx-export.md compares their speed).
/// </summary>
internal enum Int8MatMulForm
{
    /// <summary>
    /// ONNX Runtime's contrib <c>com.microsoft.DynamicQuantizeMatMul</c>: one node that quantises x to uint8 per tensor,
    /// multiplies in integers and rescales to float32 with the bias added.
    /// </summary>
    DynamicQuantizeMatMul,

    /// <summary>
    /// Standard ONNX only: <c>DynamicQuantizeLinear</c>, <c>MatMulInteger</c> (int32), <c>Cast</c>, two <c>Mul</c>
    /// (activation scale, per-channel weight scales) and <c>Add</c> (bias); runtimes other than ONNX Runtime can run it.
    /// </summary>
    MatMulInteger,

    /// <summary><c>DynamicQuantizeLinear</c> and ONNX Runtime's contrib <c>com.microsoft.MatMulIntegerToFloat</c> (rescale and bias inside).</summary>
    MatMulIntegerToFloat,
}
