using DaClip.MLNet.Imaging;
using Microsoft.ML.OnnxRuntime;

namespace DaClip.MLNet.Scoring;

/// <summary>Options of <see cref="DaClipOnnxScorer"/>; every property has a working default.</summary>
public sealed record DaClipScorerOptions
{
    /// <summary>Execution provider. Default <see cref="ExecutionProvider.Auto"/> (CUDA if it starts, else CPU, logged).</summary>
    public ExecutionProvider Provider { get; init; } = ExecutionProvider.Auto;

    /// <summary>CUDA device ordinal for CUDA / TensorRT. Default 0.</summary>
    public int GpuDeviceId { get; init; }

    /// <summary>Threads ONNX Runtime uses inside one operator on CPU; 0 (default) lets it choose (one per physical core).</summary>
    public int IntraOpThreads { get; init; }

    /// <summary>Graph optimisations applied when the session is created. Default <see cref="GraphOptimizationLevel.ORT_ENABLE_ALL"/>.</summary>
    public GraphOptimizationLevel GraphOptimizationLevel { get; init; } = GraphOptimizationLevel.ORT_ENABLE_ALL;

    /// <summary>How images are fitted to the model's square input; null (default) takes the model's <c>daclip.image_fit</c>, else Stretch.</summary>
    public ImageFit? Fit { get; init; }

    /// <summary>Images decoded and resized in parallel within a batch. Default: the processor count.</summary>
    public int MaxDecodeParallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// Receives the scorer's messages: the provider chosen and, for <see cref="ExecutionProvider.Auto"/>, why CUDA was
    /// not used. When null the messages go to <see cref="System.Diagnostics.Trace"/>, so a fallback is never silent.
    /// </summary>
    public Action<string>? Log { get; init; }
}
