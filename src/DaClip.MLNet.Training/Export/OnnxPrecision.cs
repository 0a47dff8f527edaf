namespace DaClip.MLNet.Training.Export;

/// <summary>Numeric precision of an exported model's heavy computation.</summary>
public enum OnnxPrecision
{
    /// <summary>Everything in float32: the reference precision, and the fastest choice on CPU.</summary>
    Float32,

    /// <summary>
    /// Float16 weights and matrix products in the vision tower, for GPUs. LayerNorm, softmax, the residual streams,
    /// the projection head, the DAR block (with the selective-scan accumulation) and the maps stay in float32.
    /// </summary>
    Float16,
}
