using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using DaClip.MLNet.Scoring;
using DaClip.MLNet.Tests.Infrastructure;
using DaClip.MLNet.Tests.Samples;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using static DaClip.MLNet.Tests.Serve.ServeTestClient;

namespace DaClip.MLNet.Tests.Cli;

/// <summary>
/// <c>daclip serve</c> as a real process (listens, scores like ScoreBatch, drains and exits 0 on SIGTERM), its usage
/// errors, and <c>daclip bench serve</c> below saturation (every request answered, no error).
/// </summary>
[TestClass]
public sealed class ServeCommandTests
{
    private static TinyCliModel _model = null!;

    [ClassInitialize]
    public static void Train(TestContext _) => _model = new TinyCliModel("serve-cli");

    [ClassCleanup]
    public static void Cleanup() => _model.Dispose();

    [TestMethod]
    public async Task Serve_process_scores_over_http_and_stops_gracefully_on_SIGTERM()
    {
        var images = _model.TestImages();
        var expected = ScoreBatch(_model.ModelPath, images, batchSize: 4);
        var start = new ProcessStartInfo(ChildProcess.Dotnet) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "exec", Path.Combine(AppContext.BaseDirectory, "daclip.dll"), "serve", "--model", _model.ModelPath,
                     "--urls", "http://127.0.0.1:0", "--device", "cpu", "--max-batch", "4", "--threads", "1" })
            start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("daclip serve did not start");
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            var banner = await process.StandardOutput.ReadLineAsync(timeout.Token) ?? "";
            var url = Regex.Match(banner, @"on (http://127\.0\.0\.1:[0-9]+)");
            Assert.IsTrue(url.Success, $"the banner names the address: '{banner}'\n{(process.HasExited ? await stderr : "")}");
            using var http = new HttpClient { BaseAddress = new Uri(url.Groups[1].Value) };
            Assert.AreEqual(HttpStatusCode.OK, (await http.GetAsync("/readyz")).StatusCode);
            var answers = await Task.WhenAll(images.Select(p => PostRawAsync(http, "/v1/score", File.ReadAllBytes(p))));
            for (int i = 0; i < images.Count; i++)
            {
                Assert.AreEqual(HttpStatusCode.OK, answers[i].Status, answers[i].Body.ToString());
                Assert.AreEqual(expected[i].Score, answers[i].Body.GetProperty("score").GetSingle(), images[i]);
            }

            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)])) kill.WaitForExit();
            Assert.IsTrue(process.WaitForExit(TimeSpan.FromSeconds(60)), "daclip serve exits after SIGTERM");
            process.WaitForExit();
            var err = await stderr;
            Assert.AreEqual(0, process.ExitCode, err);
            StringAssert.Contains(err, "daclip serve: stopping");
            StringAssert.Contains(err, "daclip serve: stopped.");
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }

    [TestMethod]
    public async Task Serve_takes_the_onnx_files_daclip_export_writes_fp32_and_fp16()
    {
        var images = _model.TestImages();
        var expected = ScoreBatch(_model.ModelPath, images, batchSize: 4);
        var fp32 = _model.Dir.File("served-fp32.onnx");
        var fp16 = _model.Dir.File("served-fp16.onnx");
        Assert.AreEqual(0, CliRunner.Run("export", "--model", _model.ModelPath, "--onnx", fp32).Exit);
        var (exit, _, err) = CliRunner.Run("export", "--model", _model.ModelPath, "--onnx", fp16, "--fp16");
        Assert.AreEqual(0, exit, err);
        foreach (var (file, tolerance) in new[] { (fp32, 0f), (fp16, 2e-3f) })
        {
            await using var server = await DaClip.Serve.DaClipServer.StartAsync(Options(file));
            using var http = new HttpClient { BaseAddress = server.Addresses[0] };
            var model = JsonDocument.Parse(await http.GetStringAsync("/v1/model")).RootElement;
            var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(file)))[..12];
            Assert.AreEqual($"{Path.GetFileName(file)}@sha256:{sha}", model.GetProperty("id").GetString());
            Assert.AreEqual(0.5f, model.GetProperty("threshold").GetSingle(), "the threshold from the export's metadata");
            var answers = await Task.WhenAll(images.Select(p => PostRawAsync(http, "/v1/score", File.ReadAllBytes(p))));
            for (int i = 0; i < images.Count; i++)
            {
                Assert.AreEqual(HttpStatusCode.OK, answers[i].Status, answers[i].Body.ToString());
                Assert.AreEqual(expected[i].Score, answers[i].Body.GetProperty("score").GetSingle(), tolerance, $"{Path.GetFileName(file)}: {images[i]}");
            }
        }
    }

    [TestMethod]
    public void Serve_usage_errors_exit_2_with_a_message_naming_the_option()
    {
        var (exit, _, err) = CliRunner.Run("serve", "--model", Path.Combine(_model.Dir.Path, "missing.zip"));
        Assert.AreEqual(2, exit, err);
        StringAssert.Contains(err, "--model");
        StringAssert.Contains(err, "no such file");

        (exit, _, err) = CliRunner.Run("serve", "--model", _model.ModelPath, "--device", "gpu");
        Assert.AreEqual(2, exit, err);
        StringAssert.Contains(err, "--device 'gpu' is not a device");

        (exit, _, err) = CliRunner.Run("serve", "--model", _model.ModelPath, "--urls", "ftp://127.0.0.1:21");
        Assert.AreEqual(2, exit, err);
        StringAssert.Contains(err, "--urls 'ftp://127.0.0.1:21' is not an http(s) address");

        (exit, _, err) = CliRunner.Run("serve", "--model", _model.ModelPath, "--queue", "0");
        Assert.AreEqual(2, exit, err);
        StringAssert.Contains(err, "--queue is 0");

        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            int port = ((IPEndPoint)listener.LocalEndpoint).Port;
            (exit, _, err) = CliRunner.Run("serve", "--model", _model.ModelPath, "--device", "cpu", "--urls", $"http://127.0.0.1:{port}");
            Assert.AreEqual(2, exit, err);
            StringAssert.Contains(err, $"daclip serve: --urls http://127.0.0.1:{port}: cannot listen");
            Assert.IsFalse(err.Contains("   at ", StringComparison.Ordinal), "no stack trace: " + err);
        }
        finally
        {
            listener.Stop();
        }
    }

    [TestMethod]
    public void Cli_md_documents_exactly_the_options_of_serve_and_bench_serve()
    {
        var doc = File.ReadAllText(Path.Combine(MLNet.MLNetDocsTests.RepositoryRoot(), "docs", "cli.md"));
        var root = DaClip.Cli.Program.BuildRoot();
        foreach (var (heading, command) in new[]
        {
            ("serve", root.Subcommands.Single(c => c.Name == "serve")),
            ("bench serve", root.Subcommands.Single(c => c.Name == "bench").Subcommands.Single(c => c.Name == "serve")),
        })
        {
            var section = Regex.Match(doc, $"\n## {heading}\n(.*?)(\n## |$)", RegexOptions.Singleline);
            Assert.IsTrue(section.Success, $"docs/cli.md has a section '## {heading}'");
            var documented = Regex.Matches(section.Groups[1].Value, "--[a-z0-9-]+[a-z0-9]").Select(m => m.Value).Where(d => d != "--json").ToHashSet();
            var options = command.Options.Select(o => o.Name).Where(n => n is not ("--help" or "--json")).ToHashSet();
            CollectionAssert.AreEquivalent(options.ToList(), documented.ToList(), $"docs/cli.md '## {heading}' names exactly the options");
        }
    }

    [TestMethod]
    public void Bench_serve_answers_every_request_below_saturation_and_reports_the_numbers()
    {
        var (exit, output, err) = CliRunner.Run("bench", "serve", "--model", _model.ModelPath, "--requests", "24", "--concurrency", "3",
            "--image-size", "64", "--device", "cpu", "--max-batch", "4", "--json");
        Assert.AreEqual(0, exit, err);
        var r = JsonDocument.Parse(output).RootElement;
        Assert.AreEqual(24, r.GetProperty("requests").GetInt32());
        Assert.AreEqual(24, r.GetProperty("completed").GetInt32());
        Assert.AreEqual(0, r.GetProperty("errors").GetInt32(), output);
        Assert.IsFalse(r.GetProperty("timeLimitReached").GetBoolean());
        double p50 = r.GetProperty("p50Ms").GetDouble(), p95 = r.GetProperty("p95Ms").GetDouble(), p99 = r.GetProperty("p99Ms").GetDouble();
        Assert.IsTrue(p50 > 0 && p50 <= p95 && p95 <= p99 && p99 <= r.GetProperty("maxMs").GetDouble(), output);
        double wall = r.GetProperty("wallSeconds").GetDouble();
        Assert.AreEqual(24 / wall, r.GetProperty("requestsPerSecond").GetDouble(), 1e-6 * 24 / wall, "throughput = completed / wall time");
        double batch = r.GetProperty("meanBatchSize").GetDouble();
        Assert.IsTrue(batch is >= 1 and <= 3, $"at most the concurrency is ever queued at once: {batch}");
        Assert.IsGreaterThan(0L, r.GetProperty("peakRssBytes").GetInt64());
    }
}
