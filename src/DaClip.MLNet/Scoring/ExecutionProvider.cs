namespace DaClip.MLNet.Scoring;

/// <summary>Where ONNX Runtime runs the model.</summary>
public enum ExecutionProvider
{
    /// <summary>CUDA when it can be started on the chosen device, otherwise CPU; the fallback is logged with its reason.</summary>
    Auto,

    /// <summary>CUDA on <see cref="DaClipScorerOptions.GpuDeviceId"/>; fails with <see cref="ExecutionProviderUnavailableException"/> when it cannot start.</summary>
    Cuda,

    /// <summary>TensorRT (CUDA for the nodes it does not take) on the chosen device; fails when it cannot start.</summary>
    TensorRt,

    /// <summary>CPU only.</summary>
    Cpu,
}
