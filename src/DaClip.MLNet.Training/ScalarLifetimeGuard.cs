using System.Runtime;

namespace DaClip.MLNet.Training;

/// <summary>
/// Keeps the garbage collector out of a burst of TorchSharp calls (a training step, a batch of inference).
/// </summary>
/// <remarks>
/// TorchSharp 0.107 converts numbers to native <c>Scalar</c> objects implicitly (every <c>a + b</c> passes an alpha of
/// 1; Adam's update passes its betas) and never disposes them: their finalizer frees the native scalar. Nothing keeps
/// such a Scalar alive while the native operation that received its handle runs, so a garbage collection during the
/// call can let the finalizer thread free it under the running operation — seen as <c>ExternalException: Unknown
/// scalar type</c> or <c>Scalar.h toFloat</c> after a few thousand training steps (dotnet/TorchSharp pull requests
/// #1434 and #1496 fix the operators upstream). Objects created inside a no-GC region cannot be finalized inside it,
/// so no Scalar is freed while its step runs; collections happen between steps, when that step's Scalars are no
/// longer in use. When the region cannot be entered (another thread holds one) or its budget is exhausted, the code
/// runs unprotected, as it would without the guard.
/// </remarks>
internal readonly struct ScalarLifetimeGuard : IDisposable
{
    /// <summary>Managed allocation allowed inside one region (a training step allocates a few MB of wrappers).</summary>
    public const long BudgetBytes = 64L << 20;

    private static readonly object Gate = new();
    private readonly bool _entered;

    private ScalarLifetimeGuard(bool entered) => _entered = entered;

    /// <summary>Enters a no-GC region if no other thread is in one.</summary>
    public static ScalarLifetimeGuard Enter()
    {
        if (!Monitor.TryEnter(Gate)) return default;
        try
        {
            if (GCSettings.LatencyMode == GCLatencyMode.NoGCRegion) return Release();
            return GC.TryStartNoGCRegion(BudgetBytes) ? new ScalarLifetimeGuard(true) : Release();
        }
        catch (InvalidOperationException)
        {
            return Release();
        }
        catch (ArgumentOutOfRangeException)
        {
            return Release();
        }
    }

    private static ScalarLifetimeGuard Release()
    {
        Monitor.Exit(Gate);
        return default;
    }

    /// <summary>Leaves the region (if it is still active) and lets collections run again.</summary>
    public void Dispose()
    {
        if (!_entered) return;
        try
        {
            if (GCSettings.LatencyMode == GCLatencyMode.NoGCRegion) GC.EndNoGCRegion();
        }
        catch (InvalidOperationException)
        {
            // The budget was exhausted and a collection already ended the region.
        }
        finally
        {
            Monitor.Exit(Gate);
        }
    }
}
