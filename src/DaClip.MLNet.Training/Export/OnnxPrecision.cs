namespace DaClip.MLNet.Training.Export;

/// <summary>Numeric precision of an exported model's heavy computation.</summary>
public enum OnnxPrecision
{
    /// <summary>Everything in float32: the reference precision.</summary>
    Float32,

    /// <summary>
    /// Float16 weights and matrix products in the vision tower, for GPUs. LayerNorm, softmax, the residual streams,
    /// the projection head, the DAR block (with the selective-scan accumulation) and the maps stay in float32.
    /// </summary>
    Float16,

    /// <summary>
    /// For CPUs: int8 weights (symmetric, one scale per output channel, quantised at export) and dynamically quantised
    /// activations in every large matrix product of the vision tower (<c>in_proj</c>, <c>out_proj</c> including the
    /// V-V path's, <c>c_fc</c>, <c>c_proj</c>); how they are written is <see cref="DaClipExportOptions.Int8Form"/>.
    /// The patch convolution, LayerNorm, attention scores and softmax, the projection head, the DAR block, the scan
    /// and the maps stay in float32. About a third of the float32 size; see docs/onnx-export.md for speed and deviation.
    /// </summary>
    Int8,
}
