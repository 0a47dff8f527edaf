using Microsoft.ML.OnnxRuntime;

namespace DaClip.MLNet.Scoring;

/// <summary>
/// Opens an ONNX Runtime session on the requested execution provider. For <see cref="ExecutionProvider.Auto"/> a
/// CUDA failure (provider library missing, no device) falls back to CPU and is reported through the log; for an
/// explicit CUDA / TensorRT request it is an <see cref="ExecutionProviderUnavailableException"/>. A model that does not
/// load even on CPU is a <see cref="DaClipFileFormatException"/>, whatever the provider.
/// </summary>
internal static class OnnxSessionFactory
{
    public static (InferenceSession Session, ExecutionProvider Provider) Create(string? path, byte[]? bytes, string name,
        DaClipScorerOptions options, Action<string> log)
    {
        if (options.GpuDeviceId < 0) throw new ArgumentOutOfRangeException(nameof(options), options.GpuDeviceId, "GpuDeviceId must be 0 or more.");
        if (options.IntraOpThreads < 0) throw new ArgumentOutOfRangeException(nameof(options), options.IntraOpThreads, "IntraOpThreads must be 0 (ONNX Runtime's choice) or more.");
        if (path != null && !File.Exists(path))
            throw new DaClipFileFormatException(path, $"model file not found (full path '{Path.GetFullPath(path)}'). Check the path, or export the model first.");
        OnnxRuntimeNative.EnsureLoaded();

        if (options.Provider == ExecutionProvider.Cpu)
        {
            var cpu = OpenCpu(path, bytes, name, options);
            log($"{name}: running on CPU (ExecutionProvider.Cpu).");
            return (cpu, ExecutionProvider.Cpu);
        }

        var gpu = options.Provider == ExecutionProvider.TensorRt ? ExecutionProvider.TensorRt : ExecutionProvider.Cuda;
        var (session, reason) = TryOpenGpu(path, bytes, gpu, options);
        if (session != null)
        {
            log($"{name}: running on {gpu} device {options.GpuDeviceId}.");
            return (session, gpu);
        }

        // The GPU session failed: find out whether the model itself is at fault (then that is the error to report).
        var fallback = OpenCpu(path, bytes, name, options);
        if (options.Provider == ExecutionProvider.Auto)
        {
            log($"{name}: CUDA is not available ({reason}); falling back to CPU. To use the GPU install CUDA 13.x and cuDNN 9 " +
                "(see docs/gpu.md); to silence this message choose ExecutionProvider.Cpu.");
            return (fallback, ExecutionProvider.Cpu);
        }
        fallback.Dispose();
        throw new ExecutionProviderUnavailableException(options.Provider,
            $"{name}: the {options.Provider} execution provider could not be started on GPU {options.GpuDeviceId}: {reason}. " +
            "Install CUDA 13.x and cuDNN 9" + (gpu == ExecutionProvider.TensorRt ? " and TensorRT 10" : "") +
            " (see docs/gpu.md), check the device id (nvidia-smi), or use ExecutionProvider.Auto (falls back to CPU) or ExecutionProvider.Cpu.");
    }

    private static (InferenceSession? Session, string Reason) TryOpenGpu(string? path, byte[]? bytes, ExecutionProvider gpu, DaClipScorerOptions options)
    {
        using var so = BaseOptions(options);
        try
        {
            if (gpu == ExecutionProvider.TensorRt) so.AppendExecutionProvider_Tensorrt(options.GpuDeviceId);
            so.AppendExecutionProvider_CUDA(options.GpuDeviceId);
        }
        catch (OnnxRuntimeException e)
        {
            return (null, $"its ONNX Runtime provider library could not be loaded: {e.Message}");
        }
        try
        {
            return (path != null ? new InferenceSession(path, so) : new InferenceSession(bytes!, so), "");
        }
        catch (OnnxRuntimeException e)
        {
            return (null, $"the session could not be created on GPU {options.GpuDeviceId}: {e.Message}");
        }
    }

    private static InferenceSession OpenCpu(string? path, byte[]? bytes, string name, DaClipScorerOptions options)
    {
        using var so = BaseOptions(options);
        try
        {
            return path != null ? new InferenceSession(path, so) : new InferenceSession(bytes!, so);
        }
        catch (OnnxRuntimeException e)
        {
            throw new DaClipFileFormatException(name,
                $"ONNX Runtime cannot load this model ({e.Message}). Check that the file is a complete ONNX model (with its .data side file beside it when it has one) exported by DaClip.MLNet.", e);
        }
    }

    private static SessionOptions BaseOptions(DaClipScorerOptions options)
    {
        var so = new SessionOptions { GraphOptimizationLevel = options.GraphOptimizationLevel };
        if (options.IntraOpThreads > 0) so.IntraOpNumThreads = options.IntraOpThreads;
        else if (options.ConcurrentBatches > 1) so.IntraOpNumThreads = Math.Max(1, Environment.ProcessorCount / options.ConcurrentBatches);
        return so;
    }
}
