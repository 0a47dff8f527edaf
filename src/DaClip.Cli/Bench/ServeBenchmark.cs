using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using DaClip.Cli.Common;
using DaClip.MLNet.Training.Synthetic;

namespace DaClip.Cli.Bench;

/// <summary>
/// <c>daclip bench serve</c>: load test of <c>daclip serve</c> through real HTTP on loopback. Starts the server in this
/// process on 127.0.0.1 (a free port), sends <c>--requests</c> synthetic PNG images to <c>POST /v1/score</c> from
/// <c>--concurrency</c> clients (one HttpClient), after a warm-up, and reports throughput, latency percentiles, errors,
/// the mean batch size the server formed and the process's peak RSS (server and clients together). Bounded in count
/// (<c>--requests</c>) and time (<c>--time-limit-s</c>). Results go to docs/benchmarks.md.
/// </summary>
internal static class ServeBenchmark
{
    /// <summary>What one run measured (the <c>--json</c> output).</summary>
    internal sealed record Result(string Model, int Requests, int Concurrency, int MaxBatch, int MaxWaitMs, int ImageSize, int Completed, int Errors,
        IReadOnlyDictionary<string, int> ErrorsByStatus, double WallSeconds, double RequestsPerSecond, double P50Ms, double P95Ms, double P99Ms, double MaxMs,
        double MeanBatchSize, long? PeakRssBytes, bool TimeLimitReached, string LoadAverage);

    public static Command CreateCommand()
    {
        var model = new Option<string>("--model") { Description = "The model zip (or exported ONNX file) to serve.", HelpName = "model.zip", Required = true };
        var requests = CliOptions.Positive(new Option<int>("--requests") { Description = "Timed requests (after the warm-up).", HelpName = "N", DefaultValueFactory = _ => 200 });
        var concurrency = CliOptions.Positive(new Option<int>("--concurrency") { Description = "Requests in flight at once.", HelpName = "C", DefaultValueFactory = _ => 8 });
        var imageSize = CliOptions.Positive(new Option<int>("--image-size") { Description = "Side of the synthetic PNG images sent.", HelpName = "px", DefaultValueFactory = _ => 256 });
        var timeLimit = CliOptions.Positive(new Option<int>("--time-limit-s") { Description = "Stop sending after this many seconds (the report says so).", HelpName = "s", DefaultValueFactory = _ => 300 });
        var maxBatch = ServeOptions.MaxBatch();
        var maxWait = ServeOptions.MaxWaitMs();
        var queue = ServeOptions.Queue();
        var device = ServeOptions.Device();
        var threads = ServeOptions.Threads();
        var json = CliOptions.Json("the result as one JSON object");
        var command = new Command("serve",
            "Load test of `daclip serve` over HTTP on loopback: N requests at concurrency C; throughput, p50/p95/p99 latency, errors, peak RSS. " +
            "Example: daclip bench serve --model model.zip --requests 500 --concurrency 16");
        foreach (var o in new Option[] { model, requests, concurrency, imageSize, timeLimit, maxBatch, maxWait, queue, device, threads, json }) command.Options.Add(o);
        command.SetAction((parse, cancellation) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            bool asJson = parse.GetValue(json);
            var options = ServeOptions.ToServerOptions(parse.GetValue(model)!, ["http://127.0.0.1:0"], parse.GetValue(maxBatch), parse.GetValue(maxWait),
                parse.GetValue(queue), 64, parse.GetValue(device)!, parse.GetValue(threads), asJson ? null : error.WriteLine);
            return VerbRunner.RunAsync("bench serve", error, async () =>
            {
                var result = await RunAsync(options, parse.GetValue(requests), parse.GetValue(concurrency), parse.GetValue(imageSize),
                    TimeSpan.FromSeconds(parse.GetValue(timeLimit)), cancellation).ConfigureAwait(false);
                Print(result, asJson, output);
                return 0;
            });
        });
        return command;
    }

    /// <summary>Runs the load test and returns its numbers.</summary>
    internal static async Task<Result> RunAsync(DaClip.Serve.DaClipServerOptions options, int requests, int concurrency, int imageSize, TimeSpan timeLimit,
        CancellationToken cancellation)
    {
        var images = SyntheticPngs(imageSize);
        await using var server = await ServeOptions.StartAsync(options, cancellation).ConfigureAwait(false);
        var address = new Uri(server.Addresses[0], "/v1/score");
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency }) { Timeout = timeLimit + TimeSpan.FromSeconds(30) };

        for (int i = 0; i < concurrency; i++) await SendAsync(client, address, images[i % images.Count], cancellation).ConfigureAwait(false);

        ProcessMemory.ResetPeak();
        var latencies = new double[requests];
        var statuses = new int[requests];
        var batchSizes = new int[requests];
        int next = -1;
        bool timedOut = false;
        var clock = Stopwatch.StartNew();
        async Task Worker()
        {
            while (true)
            {
                int i = Interlocked.Increment(ref next);
                if (i >= requests) return;
                if (clock.Elapsed > timeLimit)
                {
                    timedOut = true;
                    statuses[i] = -2;
                    continue;
                }
                long start = Stopwatch.GetTimestamp();
                (statuses[i], batchSizes[i]) = await SendAsync(client, address, images[i % images.Count], cancellation).ConfigureAwait(false);
                latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
        }
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(Worker, cancellation))).ConfigureAwait(false);
        double wall = clock.Elapsed.TotalSeconds;
        long? peak = ProcessMemory.Peak;

        var done = Enumerable.Range(0, requests).Where(i => statuses[i] != -2).ToList();
        var ok = done.Where(i => statuses[i] == 200).ToList();
        var sorted = ok.Select(i => latencies[i]).Order().ToArray();
        var errors = done.Where(i => statuses[i] != 200).GroupBy(i => statuses[i] == -1 ? "exception" : statuses[i].ToString(CultureInfo.InvariantCulture))
            .ToDictionary(g => g.Key, g => g.Count());
        return new Result(server.Model.Id, requests, concurrency, options.MaxBatchSize, (int)options.MaxBatchWait.TotalMilliseconds, imageSize, done.Count,
            done.Count - ok.Count, errors, wall, ok.Count / wall, Percentile(sorted, 50), Percentile(sorted, 95), Percentile(sorted, 99),
            sorted.Length > 0 ? sorted[^1] : double.NaN, ok.Count > 0 ? ok.Average(i => batchSizes[i]) : double.NaN, peak, timedOut, LoadAverage());
    }

    /// <summary>Status code and batch size of one request; status -1 when it failed without an answer.</summary>
    private static async Task<(int Status, int BatchSize)> SendAsync(HttpClient client, Uri address, byte[] png, CancellationToken cancellation)
    {
        try
        {
            using var content = new ByteArrayContent(png);
            content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
            using var response = await client.PostAsync(address, content, cancellation).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode) return ((int)response.StatusCode, 0);
            using var json = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(cancellation).ConfigureAwait(false));
            return (200, json.RootElement.GetProperty("timing").GetProperty("batchSize").GetInt32());
        }
        catch (HttpRequestException)
        {
            return (-1, 0);
        }
    }

    private static List<byte[]> SyntheticPngs(int size)
    {
        var generator = new SyntheticDefectGenerator(new SyntheticDefectOptions
        {
            ImageSize = size, Seed = 11, TrainGoodPerClass = 0, TestGoodPerClass = 4, TestAnomalousPerClass = 4, Categories = [SyntheticCategory.Nut, SyntheticCategory.Wood],
        });
        return generator.Images().Select(i => i.EncodePng()).ToList();
    }

    /// <summary>Nearest-rank percentile of sorted values; NaN when empty.</summary>
    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static void Print(Result r, bool json, TextWriter output)
    {
        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(r, CliJson.Indented));
            return;
        }
        output.WriteLine("| requests | concurrency | max batch / wait | image | completed | errors | throughput | p50 | p95 | p99 | mean batch | peak RSS |");
        output.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {r.Requests} | {r.Concurrency} | {r.MaxBatch} / {r.MaxWaitMs} ms | {r.ImageSize} px PNG | {r.Completed} | {r.Errors} | {r.RequestsPerSecond:F1} req/s | " +
            $"{r.P50Ms:F1} ms | {r.P95Ms:F1} ms | {r.P99Ms:F1} ms | {r.MeanBatchSize:F2} | {ProcessMemory.Gib(r.PeakRssBytes)} |"));
        var errors = r.Errors > 0 ? "; errors by status: " + string.Join(", ", r.ErrorsByStatus.Select(e => $"{e.Key} x{e.Value}")) : "";
        var early = r.TimeLimitReached ? "; the time limit stopped the run early" : "";
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"model {r.Model}; {r.WallSeconds:F1} s wall; load average {r.LoadAverage}{errors}{early}."));
    }
}
