using System.Globalization;
using System.Net;
using System.Text.Json;
using DaClip.MLNet.Imaging;
using DaClip.MLNet.Reporting;
using DaClip.MLNet.Scoring;
using DaClip.MLNet.Tests.Infrastructure;
using DaClip.Serve;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using static DaClip.MLNet.Tests.Serve.ServeTestClient;

namespace DaClip.MLNet.Tests.Serve;

/// <summary>
/// <see cref="DaClipServer"/> in-process on a free loopback port, through real HTTP: every endpoint, the numbers against
/// <see cref="DaClipTransformer.ScoreBatch"/> on a model trained through the CLI (tiny backbone), and the 400 / 413 /
/// 503 paths and the graceful shutdown.
/// </summary>
[TestClass]
public sealed class ServeTests
{
    private static TinyCliModel _model = null!;
    private static DaClipServer _server = null!;
    private static HttpClient _http = null!;
    private static IReadOnlyList<string> _images = [];
    private static IReadOnlyList<DaClipPrediction> _expected = [];

    [ClassInitialize]
    public static async Task StartServer(TestContext _)
    {
        _model = new TinyCliModel("serve");
        _images = _model.TestImages();
        _expected = ScoreBatch(_model.ModelPath, _images, batchSize: 4);
        _server = await DaClipServer.StartAsync(Options(_model.ModelPath) with { MaxBatchSize = 4, MaxBatchWait = TimeSpan.FromMilliseconds(20) });
        _http = new HttpClient { BaseAddress = _server.Addresses[0] };
    }

    [ClassCleanup]
    public static async Task StopServer()
    {
        _http.Dispose();
        await _server.DisposeAsync();
        _model.Dispose();
    }

    [TestMethod]
    public async Task Raw_and_multipart_requests_at_once_give_the_numbers_of_ScoreBatch()
    {
        Assert.IsGreaterThanOrEqualTo(10, _images.Count);
        var raw = _images.Select(p => PostRawAsync(_http, "/v1/score", File.ReadAllBytes(p)));
        var multipart = _images.Select(p => PostFilesAsync(_http, "/v1/score", (Path.GetFileName(p), File.ReadAllBytes(p))));
        var answers = await Task.WhenAll(raw.Concat(multipart));
        for (int k = 0; k < answers.Length; k++)
        {
            int i = k % _images.Count;
            var (status, body, _) = answers[k];
            Assert.AreEqual(HttpStatusCode.OK, status, body.ToString());
            Assert.AreEqual(_expected[i].Score, body.GetProperty("score").GetSingle(), _images[i]);
            Assert.AreEqual(_expected[i].PredictedLabel, body.GetProperty("anomalous").GetBoolean(), _images[i]);
            Assert.AreEqual(_expected[i].PredictedLabel ? "anomalous" : "normal", body.GetProperty("label").GetString());
            Assert.AreEqual(0.5f, body.GetProperty("threshold").GetSingle(), "the model's threshold");
            Assert.AreEqual(_server.Model.Id, body.GetProperty("model").GetString());
            Assert.AreEqual(k < _images.Count ? JsonValueKind.Undefined : JsonValueKind.String,
                body.TryGetProperty("image", out var name) ? name.ValueKind : JsonValueKind.Undefined, "a raw body has no file name");
            var timing = body.GetProperty("timing");
            Assert.IsTrue(timing.GetProperty("batchSize").GetInt32() is >= 1 and <= 4, "batches of at most --max-batch");
            Assert.IsGreaterThanOrEqualTo(timing.GetProperty("inferenceMs").GetDouble(), timing.GetProperty("totalMs").GetDouble());
        }
        Assert.AreNotEqual(_expected[0].Score, _expected.Max(p => p.Score), "the images score differently, so a mix-up would show");
    }

    [TestMethod]
    public async Task Batch_endpoint_answers_in_upload_order_with_the_numbers_of_ScoreBatch()
    {
        var files = _images.Select(p => (Path.GetFileName(Path.GetDirectoryName(p)) + "/" + Path.GetFileName(p), File.ReadAllBytes(p))).ToArray();
        var (status, body, _) = await PostFilesAsync(_http, "/v1/score/batch", files);
        Assert.AreEqual(HttpStatusCode.OK, status, body.ToString());
        var results = body.GetProperty("results").EnumerateArray().ToList();
        Assert.HasCount(_images.Count, results);
        for (int i = 0; i < _images.Count; i++)
        {
            Assert.AreEqual(files[i].Item1, results[i].GetProperty("image").GetString());
            Assert.AreEqual(_expected[i].Score, results[i].GetProperty("score").GetSingle(), _images[i]);
            Assert.AreEqual(_expected[i].PredictedLabel, results[i].GetProperty("anomalous").GetBoolean());
        }
    }

    [TestMethod]
    public async Task Raw_map_is_the_models_map_png_map_is_the_librarys_overlay_and_threshold_overrides_the_verdict()
    {
        int i = _images.Count - 1;
        var bytes = File.ReadAllBytes(_images[i]);
        var (status, body, _) = await PostRawAsync(_http, "/v1/score?map=raw", bytes);
        Assert.AreEqual(HttpStatusCode.OK, status, body.ToString());
        var map = body.GetProperty("map");
        Assert.AreEqual(TinyCliModel.Size, map.GetProperty("size").GetInt32());
        CollectionAssert.AreEqual(_expected[i].AnomalyMap, map.GetProperty("values").EnumerateArray().Select(v => v.GetSingle()).ToArray());
        Assert.IsFalse(body.TryGetProperty("overlayPng", out _));

        float cut = _expected.Min(p => p.Score);
        (status, body, _) = await PostRawAsync(_http, "/v1/score?map=png&threshold=" + cut.ToString("R", CultureInfo.InvariantCulture), bytes);
        Assert.AreEqual(HttpStatusCode.OK, status, body.ToString());
        Assert.AreEqual(cut, body.GetProperty("threshold").GetSingle());
        Assert.AreEqual(_expected[i].Score > cut, body.GetProperty("anomalous").GetBoolean());
        var overlay = Convert.FromBase64String(body.GetProperty("overlayPng").GetString()!);
        var reference = HeatmapOverlay.RenderPng(ImageDecoder.Decode(_images[i]), _expected[i].AnomalyMap, options: new HeatmapOverlayOptions { Threshold = cut });
        CollectionAssert.AreEqual(reference, overlay, "the overlay the library renders for the same map and threshold");
        Assert.IsFalse(body.TryGetProperty("map", out _));
    }

    [TestMethod]
    public async Task Health_readiness_model_metrics_openapi_and_page_answer()
    {
        var health = JsonDocument.Parse(await _http.GetStringAsync("/healthz")).RootElement;
        Assert.AreEqual("ok", health.GetProperty("status").GetString());
        var ready = JsonDocument.Parse(await _http.GetStringAsync("/readyz")).RootElement;
        Assert.AreEqual("ready", ready.GetProperty("status").GetString());
        Assert.AreEqual(_server.Model.Id, ready.GetProperty("model").GetString());

        var model = JsonDocument.Parse(await _http.GetStringAsync("/v1/model")).RootElement;
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(ReadOnnx(_model.ModelPath)))[..12];
        Assert.AreEqual($"model.zip@sha256:{sha}", model.GetProperty("id").GetString());
        Assert.AreEqual(TinyCliModel.Size, model.GetProperty("imageSize").GetInt32());
        Assert.AreEqual(0.5f, model.GetProperty("threshold").GetSingle());
        Assert.AreEqual("Stretch", model.GetProperty("fit").GetString());
        Assert.AreEqual("Cpu", model.GetProperty("executionProvider").GetString());
        Assert.AreEqual("tiny", model.GetProperty("metadata").GetProperty(DaClipModelMetadata.Backbone).GetString());
        CollectionAssert.AreEqual(DaClipModelTensors.Outputs.ToList(), model.GetProperty("outputs").EnumerateArray().Select(o => o.GetString()).ToList());
        Assert.AreEqual(4, model.GetProperty("maxBatchSize").GetInt32());

        var before = _server.Metrics.Requests("/v1/score", 200);
        for (int i = 0; i < 3; i++) Assert.AreEqual(HttpStatusCode.OK, (await PostRawAsync(_http, "/v1/score", File.ReadAllBytes(_images[i]))).Status);
        var metrics = await _http.GetStringAsync("/metrics");
        var line = metrics.Split('\n').Single(l => l.StartsWith("daclip_http_requests_total{endpoint=\"/v1/score\",code=\"200\"}", StringComparison.Ordinal));
        Assert.IsGreaterThanOrEqualTo(before + 3, long.Parse(line.Split(' ')[1], CultureInfo.InvariantCulture));
        StringAssert.Contains(metrics, "daclip_http_request_duration_seconds_bucket{endpoint=\"/v1/score\",le=\"+Inf\"}");
        StringAssert.Contains(metrics, "daclip_batch_size_bucket{le=\"1\"}");
        StringAssert.Contains(metrics, "\ndaclip_queue_length 0\n");
        StringAssert.Contains(metrics, "\ndaclip_queue_capacity 64\n");
        Assert.IsFalse(metrics.Contains("code=\"500\"", StringComparison.Ordinal), metrics);

        var openApi = JsonDocument.Parse(await _http.GetStringAsync("/openapi/v1.json")).RootElement;
        StringAssert.StartsWith(openApi.GetProperty("openapi").GetString(), "3.");
        var paths = openApi.GetProperty("paths");
        foreach (var path in new[] { "/v1/score", "/v1/score/batch", "/healthz", "/readyz", "/v1/model", "/metrics" })
            Assert.IsTrue(paths.TryGetProperty(path, out _), $"{path} is described");
        var score = paths.GetProperty("/v1/score").GetProperty("post");
        var parameters = score.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToList();
        CollectionAssert.AreEquivalent(new[] { "map", "threshold" }, parameters);
        var content = score.GetProperty("requestBody").GetProperty("content");
        Assert.IsTrue(content.TryGetProperty("multipart/form-data", out _) && content.TryGetProperty("image/png", out _), content.ToString());
        Assert.IsTrue(openApi.GetProperty("components").GetProperty("schemas").TryGetProperty("ScoreResponse", out _));

        var page = await _http.GetStringAsync("/");
        StringAssert.Contains(page, "<title>daclip serve</title>");
        StringAssert.Contains(page, "/v1/score?map=png");
    }

    [TestMethod]
    public async Task Client_errors_are_4xx_with_a_one_line_reason_and_a_bad_image_gets_the_CLIs_reason()
    {
        using var dir = new TempDir("serve-bad");
        var bad = dir.File("bad.png");
        File.WriteAllBytes(bad, File.ReadAllBytes(_images[0])[..60]);
        var (exit, _, err) = CliRunner.Run("predict", "--model", _model.ModelPath, bad);
        Assert.AreEqual(2, exit, err);
        var cliLine = err.Trim();
        StringAssert.StartsWith(cliLine, $"daclip predict: {bad}: ");
        var reason = cliLine[$"daclip predict: {bad}: ".Length..];

        var (status, body, _) = await PostFilesAsync(_http, "/v1/score", ("bad.png", File.ReadAllBytes(bad)));
        Assert.AreEqual(HttpStatusCode.BadRequest, status);
        Assert.AreEqual("bad.png: " + reason, body.GetProperty("error").GetString(), "the CLI's reason");
        Assert.AreEqual(400, body.GetProperty("status").GetInt32());
        (status, body, _) = await PostRawAsync(_http, "/v1/score", File.ReadAllBytes(bad));
        Assert.AreEqual("request body: " + reason, body.GetProperty("error").GetString());

        var png = File.ReadAllBytes(_images[0]);
        var cases = new (string What, Func<Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)>> Send, string Expected)[]
        {
            ("empty body", () => PostRawAsync(_http, "/v1/score", []), "request body: the image is empty (0 bytes)"),
            ("not an image", () => PostRawAsync(_http, "/v1/score", "hello"u8.ToArray(), "text/plain"), "request body: not a recognised image format"),
            ("unknown map", () => PostRawAsync(_http, "/v1/score?map=heat", png), "map 'heat' is not a map kind"),
            ("threshold not a number", () => PostRawAsync(_http, "/v1/score?threshold=abc", png), "threshold"),
            ("threshold NaN", () => PostRawAsync(_http, "/v1/score?threshold=NaN", png), "is not a finite number"),
            ("two files to /v1/score", () => PostFilesAsync(_http, "/v1/score", ("a.png", png), ("b.png", png)), "takes one. Send several to /v1/score/batch"),
            ("raw body to the batch endpoint", () => PostRawAsync(_http, "/v1/score/batch", png), "/v1/score/batch takes multipart/form-data"),
            ("raw body of no content type to the batch endpoint", async () =>
            {
                using var untyped = new ByteArrayContent(png);
                return await ReadAsync(await _http.PostAsync("/v1/score/batch", untyped));
            }, "/v1/score/batch takes multipart/form-data"),
            ("multipart without a file", async () =>
            {
                using var form = new MultipartFormDataContent { { new StringContent("x"), "note" } };
                return await ReadAsync(await _http.PostAsync("/v1/score", form));
            }, "the multipart body holds no file"),
        };
        foreach (var (what, send, expected) in cases)
        {
            (status, body, _) = await send();
            // A typed raw body is refused by routing (its content type is not multipart); an untyped one reaches the endpoint.
            var wanted = what == "raw body to the batch endpoint" ? HttpStatusCode.UnsupportedMediaType : HttpStatusCode.BadRequest;
            Assert.AreEqual(wanted, status, $"{what}: {body}");
            Assert.AreEqual((int)status, body.GetProperty("status").GetInt32());
            var error = body.GetProperty("error").GetString()!;
            StringAssert.Contains(error, expected, what);
            Assert.IsFalse(error.Contains('\n'), $"{what}: one line");
        }
        using (var untyped = new ByteArrayContent(png))
            Assert.AreEqual(HttpStatusCode.OK, (await _http.PostAsync("/v1/score", untyped)).StatusCode, "a raw body without a Content-Type is read as an image");
        (status, body, _) = await ReadAsync(await _http.GetAsync("/v1/score"));
        Assert.AreEqual(HttpStatusCode.MethodNotAllowed, status);
        StringAssert.Contains(body.GetProperty("error").GetString(), "/v1/score does not take GET");
        (status, body, _) = await ReadAsync(await _http.GetAsync("/v2/score"));
        Assert.AreEqual(HttpStatusCode.NotFound, status);
        StringAssert.Contains(body.GetProperty("error").GetString(), "no endpoint at /v2/score");
        Assert.IsFalse((await _http.GetStringAsync("/metrics")).Contains("code=\"500\"", StringComparison.Ordinal));
    }

    [TestMethod]
    public async Task A_body_over_the_limit_is_413()
    {
        await using var server = await DaClipServer.StartAsync(Options(_model.ModelPath) with { MaxRequestBodyBytes = 4096 });
        using var http = new HttpClient { BaseAddress = server.Addresses[0] };
        var big = new byte[20_000];
        new Random(1).NextBytes(big);
        var (status, body, _) = await PostRawAsync(http, "/v1/score", big);
        Assert.AreEqual(HttpStatusCode.RequestEntityTooLarge, status, body.ToString());
        StringAssert.Contains(body.GetProperty("error").GetString(), "too large");
        (status, body, _) = await PostFilesAsync(http, "/v1/score", ("big.png", big));
        Assert.AreEqual(HttpStatusCode.RequestEntityTooLarge, status, body.ToString());
        var small = File.ReadAllBytes(_images[0]);
        Assert.IsLessThan(4096, small.Length);
        Assert.AreEqual(HttpStatusCode.OK, (await PostRawAsync(http, "/v1/score", small)).Status, "a body under the limit still scores");
    }

    [TestMethod]
    public async Task A_full_queue_answers_503_with_Retry_After_batches_form_and_shutdown_drains_the_queue()
    {
        using var entered = new SemaphoreSlim(0);
        using var gate = new ManualResetEventSlim(false);
        BatchScorer Hold(BatchScorer inner) => (pixels, count) =>
        {
            entered.Release();
            gate.Wait(TimeSpan.FromMinutes(1));
            return inner(pixels, count);
        };
        var server = await DaClipServer.StartAsync(Options(_model.ModelPath) with
        {
            MaxBatchSize = 2, MaxBatchWait = TimeSpan.Zero, QueueCapacity = 3, RetryAfterSeconds = 2, WrapScorer = Hold,
        });
        Task stop = Task.CompletedTask;
        try
        {
            using var http = new HttpClient { BaseAddress = server.Addresses[0] };
            var first = PostRawAsync(http, "/v1/score", File.ReadAllBytes(_images[0]));
            Assert.IsTrue(await entered.WaitAsync(TimeSpan.FromSeconds(30)), "the first image reaches the scorer");
            var batch = PostFilesAsync(http, "/v1/score/batch", _images.Skip(1).Take(3).Select(p => (Path.GetFileName(p), File.ReadAllBytes(p))).ToArray());
            for (int t = 0; t < 300 && server.QueueLength < 3; t++) await Task.Delay(100);
            Assert.AreEqual(3, server.QueueLength, "three images wait while the scorer is held");

            var (status, body, response) = await PostRawAsync(http, "/v1/score", File.ReadAllBytes(_images[4]));
            Assert.AreEqual(HttpStatusCode.ServiceUnavailable, status, body.ToString());
            Assert.AreEqual("2", response.Headers.GetValues("Retry-After").Single());
            StringAssert.Contains(body.GetProperty("error").GetString(), "the scoring queue is full (3 of 3 images waiting)");
            StringAssert.Contains(await http.GetStringAsync("/metrics"), "\ndaclip_queue_length 3\n");

            stop = server.StopAsync();
            gate.Set();
            var (firstStatus, firstBody, _) = await first;
            Assert.AreEqual(HttpStatusCode.OK, firstStatus, firstBody.ToString());
            Assert.AreEqual(_expected[0].Score, firstBody.GetProperty("score").GetSingle());
            var (batchStatus, batchBody, _) = await batch;
            Assert.AreEqual(HttpStatusCode.OK, batchStatus, batchBody.ToString());
            var results = batchBody.GetProperty("results").EnumerateArray().ToList();
            for (int i = 0; i < 3; i++) Assert.AreEqual(_expected[i + 1].Score, results[i].GetProperty("score").GetSingle(), "queued images are scored while shutting down");
            CollectionAssert.AreEqual(new[] { 2, 2, 1 }, results.Select(r => r.GetProperty("timing").GetProperty("batchSize").GetInt32()).ToArray(),
                "the queued images ran as batches of --max-batch 2");
            await stop.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.AreEqual(0, server.QueueLength);
            await Assert.ThrowsAsync<HttpRequestException>(() => new HttpClient().GetAsync(new Uri(server.Addresses[0], "/healthz")), "stopped: no longer listening");
        }
        finally
        {
            gate.Set();
            await stop;
            await server.DisposeAsync();
        }
    }

    private static byte[] ReadOnnx(string modelZip)
    {
        using var transformer = DaClipTransformer.Load(new Microsoft.ML.MLContext(), modelZip);
        return transformer.GetOnnxModel();
    }
}
