namespace DaClip.MLNet;

/// <summary>
/// A native runtime library (ONNX Runtime's <c>onnxruntime</c>, or libtorch and <c>LibTorchSharp</c>) could not be
/// loaded, usually because the application references only the managed package. DaClip.MLNet and
/// DaClip.MLNet.Training leave the choice of native runtime (CPU, CUDA, platform) to the application; the message names
/// the package to add (docs/architecture.md, "Runtimes chosen by the application").
/// </summary>
public class NativeLibraryMissingException : DaClipException
{
    /// <summary>Creates the exception for <paramref name="library"/>, naming the package(s) that provide it.</summary>
    public NativeLibraryMissingException(string library, string packageToAdd, string alternatives, Exception? inner = null)
        : base($"The native library '{library}' could not be loaded{Cause(inner)}. The application must reference a package that provides it: " +
               $"add '{packageToAdd}' (dotnet add package {packageToAdd}){alternatives}. See docs/architecture.md (Runtimes chosen by the application).", inner)
    {
        Library = library;
        PackageToAdd = packageToAdd;
    }

    /// <summary>The native library that did not load (e.g. <c>onnxruntime</c>, <c>LibTorchSharp</c>).</summary>
    public string Library { get; }

    /// <summary>The NuGet package that provides it for a CPU-only application, e.g. <c>Microsoft.ML.OnnxRuntime</c>.</summary>
    public string PackageToAdd { get; }

    private static string Cause(Exception? inner)
    {
        var root = inner;
        while (root?.InnerException != null) root = root.InnerException;
        return root == null ? "" : $" ({root.GetType().Name}: {FirstLine(root.Message)})";
    }

    private static string FirstLine(string text)
    {
        int newline = text.IndexOf('\n');
        return (newline < 0 ? text : text[..newline]).Trim();
    }
}
