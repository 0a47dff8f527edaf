using Microsoft.VisualStudio.TestTools.UnitTesting;

// Tests share native thread pools (libtorch, ONNX Runtime) on a 2-core machine: run classes in parallel, 2 workers.
[assembly: Parallelize(Scope = ExecutionScope.ClassLevel, Workers = 2)]
// Test classes whose data rows take internal types (export forms, scan modes) are internal themselves.
[assembly: DiscoverInternals]

namespace DaClip.MLNet.Tests.Infrastructure;

/// <summary>Process-wide settings for the test run.</summary>
[TestClass]
public static class AssemblySetup
{
    /// <summary>
    /// One libtorch (OpenMP) thread per test worker: with two workers on two cores, libtorch's default of one thread per
    /// core oversubscribes the machine and OpenMP's barriers then wait for descheduled threads (a training test took
    /// 28 s instead of 2 s under load). Child processes started by tests get OMP_NUM_THREADS=1 for the same reason.
    /// </summary>
    [AssemblyInitialize]
    public static void Initialize(TestContext _)
    {
        TorchSharp.torch.set_num_threads(1);
        Environment.SetEnvironmentVariable("OMP_NUM_THREADS", "1");
    }

    /// <summary>Removes the packed test feed and its packages from the NuGet cache (Packaging/PackedFeed).</summary>
    [AssemblyCleanup]
    public static void Cleanup() => Packaging.PackedFeed.Delete();
}
