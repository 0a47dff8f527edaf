using System.CommandLine;
using System.Text.RegularExpressions;
using DaClip.MLNet.Scoring;
using DaClip.Serve;

namespace DaClip.Cli.Common;

/// <summary>The options of <c>daclip serve</c>, shared with <c>daclip bench serve</c>, and their mapping onto <see cref="DaClipServerOptions"/>.</summary>
internal static partial class ServeOptions
{
    /// <summary><c>--urls a,b</c>: the addresses to listen on.</summary>
    public static Option<string[]> Urls(string defaultUrl = "http://127.0.0.1:5080")
    {
        var option = new Option<string[]>("--urls")
        {
            Description = $"Addresses to listen on, comma-separated; port 0 picks a free port. Default {defaultUrl} (this machine only; http://0.0.0.0:5080 for every interface).",
            HelpName = "url,...",
            DefaultValueFactory = _ => [defaultUrl],
            CustomParser = result => result.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray(),
        };
        option.Validators.Add(result =>
        {
            foreach (var url in result.GetValueOrDefault<string[]>() ?? [])
                if (!Uri.TryCreate(url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri)
                    || uri.Scheme is not ("http" or "https"))
                    result.AddError($"--urls '{url}' is not an http(s) address: give e.g. http://127.0.0.1:5080.");
        });
        return option;
    }

    /// <summary><c>--max-batch N</c>.</summary>
    public static Option<int> MaxBatch() => CliOptions.Positive(new Option<int>("--max-batch")
    {
        Description = "Most images one model run takes (dynamic batching across requests).",
        HelpName = "N",
        DefaultValueFactory = _ => 8,
    });

    /// <summary><c>--max-wait-ms T</c>.</summary>
    public static Option<int> MaxWaitMs()
    {
        var option = new Option<int>("--max-wait-ms")
        {
            Description = "How long the first image of a batch waits for more before the model runs (0: never wait).",
            HelpName = "ms",
            DefaultValueFactory = _ => 5,
        };
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 0) r.AddError($"--max-wait-ms is {r.GetValueOrDefault<int>()}: it must be 0 or more.");
        });
        return option;
    }

    /// <summary><c>--queue N</c>.</summary>
    public static Option<int> Queue() => CliOptions.Positive(new Option<int>("--queue")
    {
        Description = "Images that may wait for a model run; requests beyond are answered 503 with Retry-After.",
        HelpName = "N",
        DefaultValueFactory = _ => 64,
    });

    /// <summary><c>--max-body-mb M</c>.</summary>
    public static Option<int> MaxBodyMb() => CliOptions.Positive(new Option<int>("--max-body-mb")
    {
        Description = "Largest request body in MiB; larger ones are answered 413.",
        HelpName = "MiB",
        DefaultValueFactory = _ => 16,
    });

    /// <summary><c>--device auto|cpu|cuda|cuda:N</c>.</summary>
    public static Option<string> Device()
    {
        var option = new Option<string>("--device")
        {
            Description = "ONNX Runtime device: auto (CUDA when it starts, else CPU, logged), cpu, cuda or cuda:N.",
            HelpName = "auto|cpu|cuda|cuda:N",
            DefaultValueFactory = _ => "auto",
        };
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>();
            if (!DevicePattern().IsMatch(value ?? ""))
                result.AddError($"--device '{value}' is not a device: use auto, cpu, cuda (the first GPU) or cuda:N.");
        });
        return option;
    }

    /// <summary><c>--threads N</c> (ONNX Runtime intra-op threads; 0 = automatic).</summary>
    public static Option<int> Threads()
    {
        var option = new Option<int>("--threads")
        {
            Description = "ONNX Runtime threads inside one model run on CPU; 0 lets it choose (one per physical core).",
            HelpName = "N",
            DefaultValueFactory = _ => 0,
        };
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 0) r.AddError($"--threads is {r.GetValueOrDefault<int>()}: it must be 0 or more.");
        });
        return option;
    }

    /// <summary>The server's options from the command line's values.</summary>
    public static DaClipServerOptions ToServerOptions(string model, string[] urls, int maxBatch, int maxWaitMs, int queue, int maxBodyMb, string device, int threads,
        Action<string>? log) => new()
        {
            ModelPath = model,
            Urls = urls,
            MaxBatchSize = maxBatch,
            MaxBatchWait = TimeSpan.FromMilliseconds(maxWaitMs),
            QueueCapacity = queue,
            MaxRequestBodyBytes = maxBodyMb * 1024L * 1024,
            Provider = device switch
            {
                "auto" => ExecutionProvider.Auto,
                "cpu" => ExecutionProvider.Cpu,
                _ => ExecutionProvider.Cuda,
            },
            GpuDeviceId = device.StartsWith("cuda:", StringComparison.Ordinal) ? CliOptions.GpuOrdinal(device) ?? 0 : 0,
            IntraOpThreads = threads,
            Log = log,
        };

    /// <summary>Starts the server; a model that is missing or an address that cannot be bound is a usage error naming the option.</summary>
    public static async Task<DaClipServer> StartAsync(DaClipServerOptions options, CancellationToken cancellation)
    {
        if (!File.Exists(options.ModelPath))
            throw new CliUsageException($"--model {options.ModelPath}: no such file ({Path.GetFullPath(options.ModelPath)}). Give a model zip written by `daclip train` or an ONNX file from `daclip export`.");
        try
        {
            return await DaClipServer.StartAsync(options, cancellation).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            throw new CliUsageException($"--urls {string.Join(",", options.Urls)}: cannot listen ({e.Message}). Choose a free port, or stop the process that uses it.");
        }
    }

    [GeneratedRegex("^(auto|cpu|cuda|cuda:[0-9]+)$")]
    private static partial Regex DevicePattern();
}
