using TorchSharp;

namespace DaClip.MLNet.Training;

/// <summary>
/// Checks once per process that libtorch and TorchSharp's native library load, and turns a failure into a
/// <see cref="NativeLibraryMissingException"/> naming the package to add. DaClip.MLNet.Training references only the
/// managed <c>TorchSharp</c> package; the application adds <c>TorchSharp-cpu</c>, <c>TorchSharp-cuda-linux</c> or
/// <c>TorchSharp-cuda-windows</c> (and, on Debian 12, gets the library patched by this package's build step).
/// </summary>
internal static class LibTorchNative
{
    /// <summary>The package a CPU application adds.</summary>
    public const string CpuPackage = "TorchSharp-cpu";

    private static readonly Lazy<Exception?> LoadError = new(TryLoad, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Throws <see cref="NativeLibraryMissingException"/> when libtorch does not load.</summary>
    public static void EnsureLoaded()
    {
        if (LoadError.Value is { } error) throw error;
    }

    /// <summary><see cref="EnsureLoaded"/>, then <paramref name="name"/>: for module constructors' base calls.</summary>
    public static string Checked(string name)
    {
        EnsureLoaded();
        return name;
    }

    /// <summary>The typed error for a failure of TorchSharp's native backend to load; null for any other exception.</summary>
    public static NativeLibraryMissingException? Translate(Exception e)
    {
        if (e is NativeLibraryMissingException missing) return missing;
        for (var x = e; x != null; x = x.InnerException)
        {
            bool native = x is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException
                || (x is NotSupportedException && (x.Message.Contains("libtorch", StringComparison.OrdinalIgnoreCase) || x.Message.Contains("LibTorchSharp", StringComparison.Ordinal)));
            if (native)
                return new NativeLibraryMissingException("LibTorchSharp / libtorch", CpuPackage,
                    " (version 0.107.0), or 'TorchSharp-cuda-linux' / 'TorchSharp-cuda-windows' for CUDA; on Debian 12 build the application " +
                    "with DaClip.MLNet.Training referenced so that its build step patches the library (docs/troubleshooting.md)", e);
        }
        return null;
    }

    private static Exception? TryLoad()
    {
        try
        {
            NativeLoading.LibTorchSharpPreload.Run();
            torch.InitializeDeviceType(DeviceType.CPU);
            return null;
        }
        catch (Exception e) when (Translate(e) is { } typed)
        {
            return typed;
        }
    }
}
