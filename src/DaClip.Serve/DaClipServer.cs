using System.Diagnostics;
using System.Text.Json.Serialization;
using DaClip.Serve.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DaClip.Serve;

/// <summary>
/// DA-CLIP as an HTTP service on Kestrel: <c>POST /v1/score</c>, <c>POST /v1/score/batch</c>, <c>GET /healthz</c>,
/// <c>GET /readyz</c>, <c>GET /v1/model</c>, <c>GET /metrics</c> (Prometheus), <c>GET /openapi/v1.json</c> and a web
/// page at <c>/</c> (docs/serve.md). Images from all requests are batched dynamically onto one ONNX Runtime scorer.
/// <see cref="StopAsync"/> shuts down gracefully: no new connections, requests in flight and queued images finish.
/// </summary>
public sealed class DaClipServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ServedModel _model;
    private readonly ScoringQueue _queue;
    private readonly DaClipServerOptions _options;
    private readonly Action<string> _log;
    private readonly SemaphoreSlim _stopLock = new(1, 1);
    private bool _stopped, _disposed;

    private DaClipServer(WebApplication app, ServedModel model, ScoringQueue queue, ServeMetrics metrics, DaClipServerOptions options, Action<string> log)
    {
        _app = app;
        _model = model;
        _queue = queue;
        Metrics = metrics;
        _options = options;
        _log = log;
    }

    /// <summary>The addresses Kestrel listens on (with the real port where port 0 was asked for).</summary>
    public IReadOnlyList<Uri> Addresses { get; private set; } = [];

    /// <summary>The served model's contract, as <c>GET /v1/model</c> answers it.</summary>
    public ModelDescription Model => _model.Describe(_options);

    /// <summary>Images waiting for a model run.</summary>
    public int QueueLength => _queue.Length;

    internal ServeMetrics Metrics { get; }

    /// <summary>Loads the model, then starts listening.</summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    /// <exception cref="MLNet.DaClipFileFormatException">The model is missing or not a DA-CLIP model.</exception>
    /// <exception cref="IOException">An address cannot be bound (e.g. the port is in use).</exception>
    public static async Task<DaClipServer> StartAsync(DaClipServerOptions options, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var log = options.Log ?? (_ => { });
        var model = ServedModel.Load(options);
        ScoringQueue? queue = null;
        try
        {
            BatchScorer score = model.Scorer.ScorePixels;
            if (options.WrapScorer is { } wrap) score = wrap(score);
            var metrics = new ServeMetrics(() => queue?.Length ?? 0, options.QueueCapacity);
            queue = new ScoringQueue(score, model.Scorer.Preprocessor.TensorLength, options.MaxBatchSize, options.MaxBatchWait, options.QueueCapacity, metrics);
            var app = Build(options, model, queue, metrics, log);
            var server = new DaClipServer(app, model, queue, metrics, options, log);
            try
            {
                await app.StartAsync(cancellation).ConfigureAwait(false);
            }
            catch
            {
                await queue.DrainAsync().ConfigureAwait(false);
                await app.DisposeAsync().ConfigureAwait(false);
                throw;
            }
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            server.Addresses = addresses.Select(a => new Uri(a)).ToList();
            log($"daclip serve: model {model.Id} ({model.Scorer.ImageSize} x {model.Scorer.ImageSize}, {model.Scorer.ExecutionProvider}), " +
                $"batches of up to {options.MaxBatchSize} within {options.MaxBatchWait.TotalMilliseconds:0.#} ms, queue {options.QueueCapacity}; " +
                $"listening on {string.Join(", ", server.Addresses)}");
            return server;
        }
        catch
        {
            if (queue is not null) await queue.DrainAsync().ConfigureAwait(false);
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Waits until <paramref name="cancellation"/> fires or the host is asked to stop (SIGTERM, Ctrl+C), then stops
    /// gracefully (<see cref="StopAsync"/>).
    /// </summary>
    public async Task WaitForShutdownAsync(CancellationToken cancellation)
    {
        var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (cancellation.Register(() => stopping.TrySetResult()))
        using (_app.Lifetime.ApplicationStopping.Register(() => stopping.TrySetResult()))
        {
            await stopping.Task.ConfigureAwait(false);
        }
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
    }

    private static WebApplication Build(DaClipServerOptions options, ServedModel model, ScoringQueue queue, ServeMetrics metrics, Action<string> log)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(DaClipServer).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes;
            kestrel.AddServerHeader = false;
        });
        builder.WebHost.UseUrls([.. options.Urls]);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = options.ShutdownTimeout);
        builder.Services.Configure<FormOptions>(o => o.MultipartBodyLengthLimit = options.MaxRequestBodyBytes);
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull);
        builder.Services.AddOpenApi(o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "daclip serve";
            document.Info.Description = "Zero-shot visual anomaly detection (DA-CLIP): score images, get a verdict and a heatmap. See docs/serve.md.";
            return Task.CompletedTask;
        }));

        var app = builder.Build();
        app.Use(async (context, next) =>
        {
            long start = Stopwatch.GetTimestamp();
            try
            {
                await next(context).ConfigureAwait(false);
                if (context.Response.StatusCode >= 400 && !context.Response.HasStarted)
                    await ErrorAnswers.WriteAsync(context, context.Response.StatusCode, ErrorAnswers.Unanswered(context), options.RetryAfterSeconds).ConfigureAwait(false);
            }
            catch (Exception e) when (ErrorAnswers.Classify(e) is { } answer)
            {
                await ErrorAnswers.WriteAsync(context, answer.Status, answer.Message, options.RetryAfterSeconds).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                context.Response.StatusCode = 499;
            }
            catch (Exception e)
            {
                log($"daclip serve: {context.Request.Method} {context.Request.Path} failed: {e}");
                await ErrorAnswers.WriteAsync(context, StatusCodes.Status500InternalServerError, $"internal error: {e.Message}", options.RetryAfterSeconds).ConfigureAwait(false);
            }
            finally
            {
                var endpoint = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "unmatched";
                metrics.RecordRequest(endpoint, context.Response.StatusCode, Stopwatch.GetElapsedTime(start));
            }
        });

        var score = new ScoreEndpoints(model, queue);
        // A raw body of any content type is read as an image (the decoder recognises the format), so "*/*" closes the list.
        string[] imageTypes = ["application/octet-stream", "image/png", "image/jpeg", "image/bmp", "image/gif", "image/webp", "*/*"];
        app.MapPost("/v1/score", (HttpContext context, string? map, float? threshold) => score.ScoreOneAsync(context, map, threshold))
            .Accepts<IFormFile>("multipart/form-data", imageTypes)
            .Produces<ScoreResponse>()
            .Produces<ErrorResponse>(StatusCodes.Status400BadRequest)
            .Produces<ErrorResponse>(StatusCodes.Status413PayloadTooLarge)
            .Produces<ErrorResponse>(StatusCodes.Status503ServiceUnavailable)
            .WithName("Score")
            .WithSummary("Score one image")
            .WithDescription("One image as multipart/form-data (one file field) or as the raw body. map=png adds the heatmap overlay (base64 PNG), " +
                "map=raw the float anomaly map; threshold overrides the model's threshold for the verdict.");
        app.MapPost("/v1/score/batch", (HttpContext context, string? map, float? threshold) => score.ScoreManyAsync(context, map, threshold))
            .Accepts<IFormFileCollection>("multipart/form-data")
            .Produces<BatchScoreResponse>()
            .Produces<ErrorResponse>(StatusCodes.Status400BadRequest)
            .Produces<ErrorResponse>(StatusCodes.Status413PayloadTooLarge)
            .Produces<ErrorResponse>(StatusCodes.Status503ServiceUnavailable)
            .WithName("ScoreBatch")
            .WithSummary("Score several images")
            .WithDescription("multipart/form-data with one file field per image; results in upload order. All images are queued or none (503).");
        app.MapGet("/healthz", () => Results.Ok(new HealthResponse("ok")))
            .Produces<HealthResponse>().WithName("Health").WithSummary("Liveness: the process answers.");
        app.MapGet("/readyz", (IHostApplicationLifetime lifetime) => lifetime.ApplicationStopping.IsCancellationRequested
                ? Results.Json(new HealthResponse("stopping", model.Id), statusCode: StatusCodes.Status503ServiceUnavailable)
                : Results.Ok(new HealthResponse("ready", model.Id)))
            .Produces<HealthResponse>().Produces<HealthResponse>(StatusCodes.Status503ServiceUnavailable)
            .WithName("Ready").WithSummary("Readiness: the model is loaded and the server is not shutting down.");
        app.MapGet("/v1/model", () => Results.Ok(model.Describe(options)))
            .Produces<ModelDescription>().WithName("Model").WithSummary("The model contract: id, input size, fit, threshold, tensors, metadata.");
        app.MapGet("/metrics", () => Results.Text(metrics.Render(), "text/plain; version=0.0.4; charset=utf-8"))
            .Produces<string>(contentType: "text/plain").WithName("Metrics").WithSummary("Prometheus metrics: requests, latency histogram, batch sizes, queue length.");
        app.MapGet("/", () => Results.Content(IndexPage.Html, "text/html; charset=utf-8")).ExcludeFromDescription();
        app.MapOpenApi();
        return app;
    }

    /// <summary>Stops gracefully: refuses new connections, lets requests in flight finish and scores every queued image (bounded by <see cref="DaClipServerOptions.ShutdownTimeout"/>).</summary>
    public async Task StopAsync(CancellationToken cancellation = default)
    {
        await _stopLock.WaitAsync(cancellation).ConfigureAwait(false);
        try
        {
            if (_stopped) return;
            _log($"daclip serve: stopping; {_queue.Length} image(s) queued.");
            await _app.StopAsync(cancellation).ConfigureAwait(false);
            await _queue.DrainAsync().WaitAsync(_options.ShutdownTimeout, cancellation).ConfigureAwait(false);
            _stopped = true;
            _log("daclip serve: stopped.");
        }
        finally
        {
            _stopLock.Release();
        }
    }

    /// <summary>Stops (if still running) and releases the model and the web host; later calls do nothing.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        await StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _model.Dispose();
        _stopLock.Dispose();
    }
}
