using DaClip.Serve;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Serve;

/// <summary>The Prometheus text of <see cref="ServeMetrics"/>: counters per endpoint and code, cumulative histogram buckets, sums, the queue gauges.</summary>
[TestClass]
public sealed class ServeMetricsTests
{
    [TestMethod]
    public void Render_writes_counters_cumulative_buckets_sums_and_gauges()
    {
        int queued = 5;
        var metrics = new ServeMetrics(() => queued, queueCapacity: 64);
        metrics.RecordRequest("/v1/score", 200, TimeSpan.FromMilliseconds(3));
        metrics.RecordRequest("/v1/score", 200, TimeSpan.FromMilliseconds(30));
        metrics.RecordRequest("/v1/score", 400, TimeSpan.FromMilliseconds(0.5));
        metrics.RecordRequest("/healthz", 200, TimeSpan.FromSeconds(20));
        metrics.RecordBatch(3, TimeSpan.FromMilliseconds(7));
        metrics.RecordBatch(8, TimeSpan.FromMilliseconds(9));
        queued = 2;

        var lines = metrics.Render().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string Value(string series) => lines.Single(l => l.StartsWith(series + " ", StringComparison.Ordinal))[(series.Length + 1)..];

        Assert.AreEqual("2", Value("daclip_http_requests_total{endpoint=\"/v1/score\",code=\"200\"}"));
        Assert.AreEqual("1", Value("daclip_http_requests_total{endpoint=\"/v1/score\",code=\"400\"}"));
        Assert.AreEqual("1", Value("daclip_http_requests_total{endpoint=\"/healthz\",code=\"200\"}"));
        Assert.AreEqual(2, metrics.Requests("/v1/score", 200));
        Assert.AreEqual(0, metrics.Requests("/v1/score", 503));

        // 0.5 ms, 3 ms and 30 ms against the buckets 1 ms, 2.5 ms, 5 ms, ..., 25 ms, 50 ms, ...: cumulative counts.
        Assert.AreEqual("1", Value("daclip_http_request_duration_seconds_bucket{endpoint=\"/v1/score\",le=\"0.001\"}"));
        Assert.AreEqual("1", Value("daclip_http_request_duration_seconds_bucket{endpoint=\"/v1/score\",le=\"0.0025\"}"));
        Assert.AreEqual("2", Value("daclip_http_request_duration_seconds_bucket{endpoint=\"/v1/score\",le=\"0.005\"}"));
        Assert.AreEqual("2", Value("daclip_http_request_duration_seconds_bucket{endpoint=\"/v1/score\",le=\"0.025\"}"));
        Assert.AreEqual("3", Value("daclip_http_request_duration_seconds_bucket{endpoint=\"/v1/score\",le=\"0.05\"}"));
        Assert.AreEqual("3", Value("daclip_http_request_duration_seconds_bucket{endpoint=\"/v1/score\",le=\"+Inf\"}"));
        Assert.AreEqual("3", Value("daclip_http_request_duration_seconds_count{endpoint=\"/v1/score\"}"));
        Assert.AreEqual(0.0335, double.Parse(Value("daclip_http_request_duration_seconds_sum{endpoint=\"/v1/score\"}"), System.Globalization.CultureInfo.InvariantCulture), 1e-12);
        Assert.AreEqual("0", Value("daclip_http_request_duration_seconds_bucket{endpoint=\"/healthz\",le=\"10\"}"), "20 s is above every finite bucket");
        Assert.AreEqual("1", Value("daclip_http_request_duration_seconds_bucket{endpoint=\"/healthz\",le=\"+Inf\"}"));

        Assert.AreEqual("0", Value("daclip_batch_size_bucket{le=\"2\"}"));
        Assert.AreEqual("1", Value("daclip_batch_size_bucket{le=\"4\"}"));
        Assert.AreEqual("2", Value("daclip_batch_size_bucket{le=\"8\"}"));
        Assert.AreEqual("11", Value("daclip_batch_size_sum"));
        Assert.AreEqual("2", Value("daclip_inference_duration_seconds_count"));
        Assert.AreEqual("2", Value("daclip_queue_length"), "read at scrape time");
        Assert.AreEqual("64", Value("daclip_queue_capacity"));
        CollectionAssert.Contains(lines, "# TYPE daclip_http_request_duration_seconds histogram");
        CollectionAssert.Contains(lines, "# TYPE daclip_queue_length gauge");
    }
}
