using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Runtime;

namespace DaClip.MLNet.Pipeline;

/// <summary>
/// The caller's ML.NET environment as DA-CLIP uses it: the <c>MLContext</c> given to a constructor, or the environment
/// behind a catalog (<c>mlContext.Transforms</c>, <c>mlContext.AnomalyDetection.Trainers</c>). Its settings are read
/// when they are needed (at <c>Fit</c>), so changes made to the context after the estimator was created apply: the seed,
/// <c>GpuDeviceId</c> / <c>FallbackToCpu</c>, <c>TempFilePath</c>, cancellation (<c>CancelExecution</c>) and the log.
/// </summary>
/// <remarks>
/// ML.NET gives third-party code no public way to these: a catalog's environment is behind the internal
/// <c>IInternalCatalog</c> (ML.NET's own extensions use the internal <c>CatalogUtils.GetEnvironment</c>), and the seed,
/// GPU, temp-path and cancellation settings of an environment are members of the internal interfaces
/// <c>IHostEnvironmentInternal</c> and <c>ICancelable</c>, which <c>MLContext</c> and the catalogs' environment both
/// implement. This class is the one place that reads those members; it binds them once per process and fails with a
/// <see cref="DaClipException"/> naming the fix when an ML.NET version no longer has them, rather than ignoring the
/// caller's settings.
/// </remarks>
internal sealed class CallerEnvironment
{
    private const string CatalogInterface = "Microsoft.ML.Data.IInternalCatalog";
    private const string SettingsInterface = "Microsoft.ML.Runtime.IHostEnvironmentInternal";
    private const string CancelInterface = "Microsoft.ML.Runtime.ICancelable";

    private static readonly Lazy<Accessors> Members = new(Bind);
    private readonly MLContext? _context;

    private CallerEnvironment(IHostEnvironment host, MLContext? context)
    {
        Host = host;
        _context = context;
    }

    /// <summary>The caller's environment: channels (the log), hosts and their random numbers.</summary>
    public IHostEnvironment Host { get; }

    /// <summary>
    /// The environment of <paramref name="mlContext"/>: the one behind its catalogs, which holds its settings and its
    /// cancellation (<c>MLContext</c> itself forwards to it and does not expose <c>ICancelable</c>).
    /// </summary>
    /// <exception cref="DaClipException">This ML.NET version hides the environment differently.</exception>
    public static CallerEnvironment Of(MLContext mlContext)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        return new CallerEnvironment(EnvironmentOf(mlContext.Transforms), mlContext);
    }

    /// <summary>The environment behind a catalog object of an <c>MLContext</c>.</summary>
    /// <exception cref="DaClipException">This ML.NET version hides the environment differently.</exception>
    public static CallerEnvironment OfCatalog(object catalog) => new(EnvironmentOf(catalog), null);

    private static IHostEnvironment EnvironmentOf(object catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var getter = Members.Value.CatalogEnvironment;
        IHostEnvironment? host;
        try
        {
            host = getter.Invoke(catalog, null) as IHostEnvironment;
        }
        catch (TargetInvocationException e)
        {
            throw Unsupported($"reading the environment of {catalog.GetType().Name} failed ({e.InnerException?.Message})");
        }
        return host ?? throw Unsupported($"{catalog.GetType().Name} has no environment");
    }

    /// <summary>The context's seed (<c>new MLContext(seed: n)</c>), or null for an unseeded context.</summary>
    public int? Seed => (int?)Members.Value.Seed.Invoke(Host, null);

    /// <summary>The context's <c>GpuDeviceId</c>.</summary>
    public int? GpuDeviceId => _context?.GpuDeviceId ?? (int?)Members.Value.GpuDeviceId.Invoke(Host, null);

    /// <summary>The context's <c>FallbackToCpu</c>.</summary>
    public bool FallbackToCpu => _context?.FallbackToCpu ?? (bool)Members.Value.FallbackToCpu.Invoke(Host, null)!;

    /// <summary>The context's <c>TempFilePath</c> (ML.NET's default: the system temp folder).</summary>
    public string TempFilePath => _context?.TempFilePath ?? (string?)Members.Value.TempFilePath.Invoke(Host, null) ?? Path.GetTempPath();

    /// <summary>Whether <c>CancelExecution</c> was called on the context.</summary>
    public bool IsCanceled => (bool)Members.Value.IsCanceled.Invoke(Host, null)!;

    /// <summary>Throws ML.NET's <see cref="OperationCanceledException"/> when the context was cancelled.</summary>
    public void CheckAlive()
    {
        if (IsCanceled) throw new OperationCanceledException("Operation was cancelled.");
    }

    /// <summary>
    /// The seed of a training run: <paramref name="explicitSeed"/> when given, else the context's seed, else (an unseeded
    /// context) a number drawn from the environment's random source, as ML.NET's trainers do.
    /// </summary>
    public int TrainingSeed(int? explicitSeed) => explicitSeed ?? Seed ?? Host.Register("DaClip").Rand.Next();

    /// <summary>
    /// The <c>MLContext</c> the transformer chain is built with: the caller's when it was given, else a context with the
    /// caller's seed, GPU, fallback and temp-path settings as they are now.
    /// </summary>
    public MLContext Context() => _context ?? new MLContext(Seed)
    {
        GpuDeviceId = GpuDeviceId,
        FallbackToCpu = FallbackToCpu,
        TempFilePath = TempFilePath,
    };

    private static DaClipException Unsupported(string what) => new(
        $"This ML.NET version does not expose the MLContext settings DaClip.MLNet honours ({what}). " +
        "Use the ML.NET version DaClip.MLNet was built with, or create the estimator with its constructor, which takes the MLContext.");

    private static Accessors Bind()
    {
        var core = typeof(IHostEnvironment).Assembly;
        var data = typeof(TransformsCatalog).Assembly;
        var catalog = data.GetType(CatalogInterface) ?? throw Unsupported($"no {CatalogInterface}");
        var settings = core.GetType(SettingsInterface) ?? throw Unsupported($"no {SettingsInterface}");
        var cancel = core.GetType(CancelInterface) ?? throw Unsupported($"no {CancelInterface}");
        MethodInfo Getter(Type type, string property) =>
            type.GetProperty(property)?.GetMethod ?? throw Unsupported($"no {type.Name}.{property}");
        return new Accessors(Getter(catalog, "Environment"), Getter(settings, "Seed"), Getter(settings, "GpuDeviceId"),
            Getter(settings, "FallbackToCpu"), Getter(settings, "TempFilePath"), Getter(cancel, "IsCanceled"));
    }

    /// <summary>The interface getters, bound once; invoking an interface method dispatches to the object's implementation.</summary>
    private sealed record Accessors(MethodInfo CatalogEnvironment, MethodInfo Seed, MethodInfo GpuDeviceId, MethodInfo FallbackToCpu,
        MethodInfo TempFilePath, MethodInfo IsCanceled);
}
