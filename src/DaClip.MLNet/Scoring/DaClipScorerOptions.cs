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

    /// <summary>
    /// Images per ONNX Runtime run when the caller does not say (<see cref="DaClipOnnxScorer.Score(IReadOnlyList{string}, int?, CancellationToken)"/>,
    /// <c>DaClipTransformer.ScoreBatch</c>, <c>daclip predict</c> / <c>test</c>): the best setting measured by
    /// <c>daclip bench infer --throughput</c> on a 2-core CPU (docs/benchmarks.md).
    /// </summary>
    public const int DefaultBatchSize = 2;

    /// <summary>The default of <see cref="ConcurrentBatches"/>, measured with <see cref="DefaultBatchSize"/> (docs/benchmarks.md).</summary>
    public const int DefaultConcurrentBatches = 2;

    /// <summary>
    /// Threads ONNX Runtime uses inside one operator on CPU; 0 (default) lets it choose: one per physical core, or with
    /// <see cref="ConcurrentBatches"/> K &gt; 1 the processor count divided by K (at least 1), so that K concurrent runs
    /// share the cores.
    /// </summary>
    public int IntraOpThreads { get; init; }

    /// <summary>
    /// Batches a multi-image <c>Score</c> call runs at once on the one session (the weights are shared; each run needs
    /// its own activations). Default <see cref="DefaultConcurrentBatches"/>; 1 runs them one after another. Results are
    /// in input order and identical whatever the value (each batch runs alone on its inputs).
    /// </summary>
    public int ConcurrentBatches { get; init; } = DefaultConcurrentBatches;

    /// <summary>Graph optimisations applied when the session is created. Default <see cref="GraphOptimizationLevel.ORT_ENABLE_ALL"/>.</summary>
    public GraphOptimizationLevel GraphOptimizationLevel { get; init; } = GraphOptimizationLevel.ORT_ENABLE_ALL;

    /// <summary>How images are fitted to the model's square input; null (default) takes the model's <c>daclip.image_fit</c>, else Stretch.</summary>
    public ImageFit? Fit { get; init; }

    /// <summary>
    /// Size of <see cref="DaClipPrediction.AnomalyMap"/>: <see cref="AnomalyMapSize.Model"/> (default, S x S) or
    /// <see cref="AnomalyMapSize.Source"/> (each image's own width x height, bilinear). <see cref="DaClipOnnxScorer.ScorePixels"/>
    /// has no source image and always returns S x S maps.
    /// </summary>
    public AnomalyMapSize MapSize { get; init; }

    /// <summary>Images decoded and resized in parallel within a batch. Default: the processor count.</summary>
    public int MaxDecodeParallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// Receives the scorer's messages: the provider chosen and, for <see cref="ExecutionProvider.Auto"/>, why CUDA was
    /// not used. When null the messages go to <see cref="System.Diagnostics.Trace"/>, so a fallback is never silent.
    /// </summary>
    public Action<string>? Log { get; init; }
}
