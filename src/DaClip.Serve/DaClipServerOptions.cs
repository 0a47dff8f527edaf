using DaClip.MLNet.Scoring;

namespace DaClip.Serve;

/// <summary>Settings of <see cref="DaClipServer"/>; every property but <see cref="ModelPath"/> has a working default.</summary>
public sealed record DaClipServerOptions
{
    /// <summary>The model: a zip written by <c>daclip train</c> / <c>DaClipTransformer.Save</c>, or an ONNX file written by <c>daclip export</c> (fp32, fp16 or int8).</summary>
    public required string ModelPath { get; init; }

    /// <summary>Addresses Kestrel listens on. Default <c>http://127.0.0.1:5080</c>; port 0 picks a free port (see <see cref="DaClipServer.Addresses"/>).</summary>
    public IReadOnlyList<string> Urls { get; init; } = ["http://127.0.0.1:5080"];

    /// <summary>Most images one model run takes (dynamic batching). Default 8.</summary>
    public int MaxBatchSize { get; init; } = 8;

    /// <summary>How long the first image of a batch waits for more before the batch runs. Default 5 ms.</summary>
    public TimeSpan MaxBatchWait { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Images that may wait for a model run; a request that does not fit is answered 503 with Retry-After. Default 64.</summary>
    public int QueueCapacity { get; init; } = 64;

    /// <summary>Largest request body in bytes; a larger one is answered 413. Default 16 MiB.</summary>
    public long MaxRequestBodyBytes { get; init; } = 16L * 1024 * 1024;

    /// <summary>Seconds a 503 tells the client to wait (the Retry-After header). Default 1.</summary>
    public int RetryAfterSeconds { get; init; } = 1;

    /// <summary>Longest a graceful shutdown waits for requests in flight and queued images. Default 30 s.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>ONNX Runtime execution provider. Default <see cref="ExecutionProvider.Auto"/>: CUDA when it starts, else CPU (logged).</summary>
    public ExecutionProvider Provider { get; init; } = ExecutionProvider.Auto;

    /// <summary>CUDA device ordinal. Default 0.</summary>
    public int GpuDeviceId { get; init; }

    /// <summary>ONNX Runtime intra-op threads on CPU; 0 (default) lets it choose.</summary>
    public int IntraOpThreads { get; init; }

    /// <summary>Receives the server's messages (model loaded, provider, shutdown); null discards them.</summary>
    public Action<string>? Log { get; init; }

    /// <summary>Wraps the batch scorer (tests hold batches back with it to fill the queue deterministically).</summary>
    internal Func<BatchScorer, BatchScorer>? WrapScorer { get; init; }

    /// <summary>Checks every setting; the message names the property and the valid range.</summary>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ModelPath)) throw new ArgumentException("ModelPath is empty: give a model zip or ONNX file.", nameof(ModelPath));
        if (Urls is null || Urls.Count == 0) throw new ArgumentException("Urls is empty: give at least one address such as http://127.0.0.1:5080.", nameof(Urls));
        if (MaxBatchSize < 1) throw new ArgumentException($"MaxBatchSize is {MaxBatchSize}: it must be at least 1.", nameof(MaxBatchSize));
        if (MaxBatchWait < TimeSpan.Zero) throw new ArgumentException($"MaxBatchWait is {MaxBatchWait}: it must not be negative.", nameof(MaxBatchWait));
        if (QueueCapacity < 1) throw new ArgumentException($"QueueCapacity is {QueueCapacity}: it must be at least 1.", nameof(QueueCapacity));
        if (MaxRequestBodyBytes < 1) throw new ArgumentException($"MaxRequestBodyBytes is {MaxRequestBodyBytes}: it must be at least 1.", nameof(MaxRequestBodyBytes));
        if (RetryAfterSeconds < 0) throw new ArgumentException($"RetryAfterSeconds is {RetryAfterSeconds}: it must not be negative.", nameof(RetryAfterSeconds));
        if (ShutdownTimeout < TimeSpan.Zero) throw new ArgumentException($"ShutdownTimeout is {ShutdownTimeout}: it must not be negative.", nameof(ShutdownTimeout));
        if (IntraOpThreads < 0) throw new ArgumentException($"IntraOpThreads is {IntraOpThreads}: it must be 0 (automatic) or more.", nameof(IntraOpThreads));
    }
}
