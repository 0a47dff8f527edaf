using System.CommandLine;
using DaClip.Cli.Common;
using DaClip.MLNet.Scoring;
using DaClip.Serve;

namespace DaClip.Cli.Commands;

/// <summary>
/// <c>daclip serve --model model.zip [--urls http://127.0.0.1:5080]</c>: the HTTP scoring service (docs/serve.md) until
/// Ctrl+C or SIGTERM, then a graceful shutdown that finishes the requests in flight and the queued images.
/// </summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model")
        {
            Description = "The model: a zip written by `daclip train`, or an ONNX file written by `daclip export` (fp32, fp16, int8).",
            HelpName = "model.zip",
            Required = true,
        };
        var urls = ServeOptions.Urls();
        var maxBatch = ServeOptions.MaxBatch();
        var maxWait = ServeOptions.MaxWaitMs();
        var queue = ServeOptions.Queue();
        var maxBody = ServeOptions.MaxBodyMb();
        var device = ServeOptions.Device();
        var threads = ServeOptions.Threads();

        var command = new Command("serve",
            "Serve a model over HTTP: POST /v1/score and /v1/score/batch, /healthz, /readyz, /v1/model, /metrics, /openapi/v1.json and a web page at /. " +
            "Requests are batched dynamically onto one scorer. Example: daclip serve --model mvtec.zip --urls http://0.0.0.0:5080");
        foreach (var o in new Option[] { model, urls, maxBatch, maxWait, queue, maxBody, device, threads, CliOptions.Config() }) command.Options.Add(o);
        command.SetAction((parse, cancellation) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var options = ServeOptions.ToServerOptions(parse.GetValue(model)!, parse.GetValue(urls)!, parse.GetValue(maxBatch), parse.GetValue(maxWait),
                parse.GetValue(queue), parse.GetValue(maxBody), parse.GetValue(device)!, parse.GetValue(threads), error.WriteLine);
            return VerbRunner.RunAsync("serve", error, () => RunAsync(options, output, cancellation));
        });
        return command;
    }

    private static async Task<int> RunAsync(DaClipServerOptions options, TextWriter output, CancellationToken cancellation)
    {
        await using var server = await ServeOptions.StartAsync(options, cancellation).ConfigureAwait(false);
        output.WriteLine($"daclip serve: {server.Model.Id} on {string.Join(", ", server.Addresses)} (web page at /, API description at /openapi/v1.json). Ctrl+C stops.");
        await server.WaitForShutdownAsync(cancellation).ConfigureAwait(false);
        return 0;
    }
}
