using Microsoft.ML.OnnxRuntime;

namespace DaClip.MLNet.Scoring;

/// <summary>
/// Checks once per process that ONNX Runtime's native library loads, and turns a failure into a
/// <see cref="NativeLibraryMissingException"/> naming the package to add. DaClip.MLNet references only
/// <c>Microsoft.ML.OnnxRuntime.Managed</c>; the application adds <c>Microsoft.ML.OnnxRuntime</c> (CPU) or
/// <c>Microsoft.ML.OnnxRuntime.Gpu</c> (CUDA with CPU fallback).
/// </summary>
internal static class OnnxRuntimeNative
{
    /// <summary>The package a CPU-only application adds.</summary>
    public const string CpuPackage = "Microsoft.ML.OnnxRuntime";

    private static readonly Lazy<Exception?> LoadError = new(TryLoad, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Throws <see cref="NativeLibraryMissingException"/> when the native library does not load.</summary>
    public static void EnsureLoaded()
    {
        if (LoadError.Value is { } error) throw error;
    }

    /// <summary>The typed error for <paramref name="e"/> when it is a native-library load failure; otherwise null.</summary>
    public static NativeLibraryMissingException? Translate(Exception e)
    {
        if (e is NativeLibraryMissingException missing) return missing;
        for (var x = e; x != null; x = x.InnerException)
        {
            if (x is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
                return new NativeLibraryMissingException("onnxruntime", CpuPackage,
                    ", or 'Microsoft.ML.OnnxRuntime.Gpu' for CUDA with CPU fallback (Linux and Windows x64)", e);
        }
        return null;
    }

    private static Exception? TryLoad()
    {
        try
        {
            _ = OrtEnv.Instance();
            return null;
        }
        catch (Exception e) when (Translate(e) is { } typed)
        {
            return typed;
        }
    }
}
