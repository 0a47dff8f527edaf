using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace DaClip.Serve;

/// <summary>
/// The server's counters in the Prometheus text exposition format (version 0.0.4): requests by endpoint and status,
/// request latency and batch size histograms, images and batches scored, and the queue length at scrape time.
/// </summary>
internal sealed class ServeMetrics
{
    /// <summary>Upper bounds (seconds) of the latency histogram's buckets.</summary>
    public static readonly double[] LatencyBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    /// <summary>Upper bounds of the batch size histogram's buckets.</summary>
    public static readonly double[] BatchBuckets = [1, 2, 4, 8, 16, 32, 64, 128];

    private readonly ConcurrentDictionary<(string Endpoint, int Status), long[]> _requests = new();
    private readonly ConcurrentDictionary<string, Histogram> _latency = new();
    private readonly Histogram _batchSize = new(BatchBuckets);
    private readonly Histogram _inference = new(LatencyBuckets);
    private readonly Func<int> _queueLength;
    private readonly int _queueCapacity;

    public ServeMetrics(Func<int> queueLength, int queueCapacity)
    {
        _queueLength = queueLength;
        _queueCapacity = queueCapacity;
    }

    /// <summary>Counts a finished request of <paramref name="endpoint"/> (its route) with its status and duration.</summary>
    public void RecordRequest(string endpoint, int status, TimeSpan duration)
    {
        Interlocked.Increment(ref _requests.GetOrAdd((endpoint, status), _ => new long[1])[0]);
        _latency.GetOrAdd(endpoint, _ => new Histogram(LatencyBuckets)).Observe(duration.TotalSeconds);
    }

    /// <summary>Counts one model run of <paramref name="size"/> images.</summary>
    public void RecordBatch(int size, TimeSpan inference)
    {
        _batchSize.Observe(size);
        _inference.Observe(inference.TotalSeconds);
    }

    /// <summary>Requests counted so far for an endpoint and status (tests, the bench).</summary>
    public long Requests(string endpoint, int status) => _requests.TryGetValue((endpoint, status), out var c) ? Interlocked.Read(ref c[0]) : 0;

    /// <summary>The exposition text.</summary>
    public string Render()
    {
        var text = new StringBuilder();
        text.AppendLine("# HELP daclip_http_requests_total HTTP requests answered, by endpoint and status code.");
        text.AppendLine("# TYPE daclip_http_requests_total counter");
        foreach (var ((endpoint, status), count) in _requests.OrderBy(r => r.Key.Endpoint, StringComparer.Ordinal).ThenBy(r => r.Key.Status))
            text.Append(Invariant($"daclip_http_requests_total{{endpoint=\"{endpoint}\",code=\"{status}\"}} {Interlocked.Read(ref count[0])}\n"));
        text.AppendLine("# HELP daclip_http_request_duration_seconds Time from the request's arrival to its response, by endpoint.");
        text.AppendLine("# TYPE daclip_http_request_duration_seconds histogram");
        foreach (var (endpoint, histogram) in _latency.OrderBy(h => h.Key, StringComparer.Ordinal))
            histogram.Write(text, "daclip_http_request_duration_seconds", $"endpoint=\"{endpoint}\"");
        text.AppendLine("# HELP daclip_batch_size Images per model run (dynamic batching).");
        text.AppendLine("# TYPE daclip_batch_size histogram");
        _batchSize.Write(text, "daclip_batch_size", null);
        text.AppendLine("# HELP daclip_inference_duration_seconds Duration of one model run.");
        text.AppendLine("# TYPE daclip_inference_duration_seconds histogram");
        _inference.Write(text, "daclip_inference_duration_seconds", null);
        text.AppendLine("# HELP daclip_queue_length Images waiting for a model run.");
        text.AppendLine("# TYPE daclip_queue_length gauge");
        text.Append(Invariant($"daclip_queue_length {_queueLength()}\n"));
        text.AppendLine("# HELP daclip_queue_capacity Most images that may wait; more are answered 503.");
        text.AppendLine("# TYPE daclip_queue_capacity gauge");
        text.Append(Invariant($"daclip_queue_capacity {_queueCapacity}\n"));
        return text.ToString();
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    /// <summary>A cumulative histogram with fixed buckets; thread-safe.</summary>
    private sealed class Histogram(double[] bounds)
    {
        private readonly long[] _counts = new long[bounds.Length + 1];
        private readonly object _sumLock = new();
        private double _sum;

        public void Observe(double value)
        {
            int i = 0;
            while (i < bounds.Length && value > bounds[i]) i++;
            Interlocked.Increment(ref _counts[i]);
            lock (_sumLock) _sum += value;
        }

        public void Write(StringBuilder text, string name, string? labels)
        {
            string Labels(string le) => labels is null ? $"{{le=\"{le}\"}}" : $"{{{labels},le=\"{le}\"}}";
            long cumulative = 0;
            for (int i = 0; i < bounds.Length; i++)
            {
                cumulative += Interlocked.Read(ref _counts[i]);
                text.Append(Invariant($"{name}_bucket{Labels(bounds[i].ToString("R", CultureInfo.InvariantCulture))} {cumulative}\n"));
            }
            cumulative += Interlocked.Read(ref _counts[^1]);
            text.Append(Invariant($"{name}_bucket{Labels("+Inf")} {cumulative}\n"));
            double sum;
            lock (_sumLock) sum = _sum;
            string suffix = labels is null ? "" : $"{{{labels}}}";
            text.Append(Invariant($"{name}_sum{suffix} {sum:R}\n"));
            text.Append(Invariant($"{name}_count{suffix} {cumulative}\n"));
        }
    }
}
