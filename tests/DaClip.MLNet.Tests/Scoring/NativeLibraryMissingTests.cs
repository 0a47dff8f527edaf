using DaClip.MLNet.Scoring;
using DaClip.MLNet.Training;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Scoring;

/// <summary>
/// The translation of native-library load failures into <see cref="NativeLibraryMissingException"/>. The real failures
/// (an application whose output lacks the library) are checked end to end by Packaging/PackageConsumerTests.
/// </summary>
[TestClass]
public sealed class NativeLibraryMissingTests
{
    [TestMethod]
    public void OnnxRuntime_DllNotFound_InsideTypeInitializer_NamesTheCpuAndGpuPackages()
    {
        var failure = new TypeInitializationException("Microsoft.ML.OnnxRuntime.NativeMethods",
            new DllNotFoundException("Unable to load shared library 'onnxruntime' or one of its dependencies."));
        var typed = OnnxRuntimeNative.Translate(failure);
        Assert.IsNotNull(typed);
        Assert.AreEqual("onnxruntime", typed.Library);
        Assert.AreEqual("Microsoft.ML.OnnxRuntime", typed.PackageToAdd);
        StringAssert.Contains(typed.Message, "dotnet add package Microsoft.ML.OnnxRuntime");
        StringAssert.Contains(typed.Message, "Microsoft.ML.OnnxRuntime.Gpu");
        StringAssert.Contains(typed.Message, "DllNotFoundException: Unable to load shared library 'onnxruntime'");
        Assert.AreSame(failure, typed.InnerException);
    }

    [TestMethod]
    public void OnnxRuntime_OtherErrors_AreNotTranslated()
    {
        Assert.IsNull(OnnxRuntimeNative.Translate(new InvalidOperationException("bad model")));
        Assert.IsNull(OnnxRuntimeNative.Translate(new TypeInitializationException("X", new ArgumentException("y"))));
    }

    [TestMethod]
    public void LibTorch_NotSupported_FromTorchSharpsLoader_NamesTorchSharpCpu()
    {
        var failure = new NotSupportedException("This application or script uses TorchSharp but doesn't contain a reference to libtorch-cpu-linux-x64, Version=2.10.0.");
        var typed = LibTorchNative.Translate(failure);
        Assert.IsNotNull(typed);
        Assert.AreEqual("TorchSharp-cpu", typed.PackageToAdd);
        StringAssert.Contains(typed.Message, "dotnet add package TorchSharp-cpu");
        StringAssert.Contains(typed.Message, "TorchSharp-cuda-linux");
        Assert.IsNotNull(LibTorchNative.Translate(new DllNotFoundException("LibTorchSharp")));
        Assert.IsNull(LibTorchNative.Translate(new NotSupportedException("an unrelated operation")));
    }

    [TestMethod]
    public void LoadedRuntimes_PassTheCheck()
    {
        OnnxRuntimeNative.EnsureLoaded();
        LibTorchNative.EnsureLoaded();
    }
}
