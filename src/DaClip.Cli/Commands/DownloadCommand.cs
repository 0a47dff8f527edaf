using System.CommandLine;
using System.Text.Json;
using DaClip.Cli.Common;
using DaClip.MLNet;
using DaClip.MLNet.IO;

namespace DaClip.Cli.Commands;

/// <summary>
/// <c>daclip download &lt;model&gt; [--cache dir] [--base-url url] [--json] [--vocab-only]</c>: fetches an OpenAI CLIP checkpoint and the BPE vocabulary
/// into the cache, resuming partial downloads and checking SHA-256.
/// </summary>
internal static class DownloadCommand
{
    public static Command Create()
    {
        var model = new Argument<string?>("model")
        {
            Description = $"CLIP model: {string.Join(", ", ClipCheckpoints.ModelNames)} (the paper uses {ClipCheckpoints.ViTL14At336.Name}).",
            Arity = ArgumentArity.ZeroOrOne,
        };
        model.AcceptOnlyFromAmong([.. ClipCheckpoints.ModelNames]);
        var cache = new Option<string?>("--cache")
        {
            Description = $"Cache folder (default: {ClipDownloader.DefaultCacheDirectory()}, from $XDG_CACHE_HOME or ~/.cache).",
            HelpName = "dir",
        };
        var baseUrl = new Option<string?>("--base-url")
        {
            Description = "Mirror to fetch from instead of OpenAI/GitHub; it must serve each file at <url>/<sha256>/<file name>.",
            HelpName = "url",
        };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON on standard output (no progress bar)." };
        var vocabOnly = new Option<bool>("--vocab-only") { Description = "Download only the BPE vocabulary (by default it comes with the model)." };

        var command = new Command("download",
            "Download a CLIP checkpoint and the BPE vocabulary into the cache (SHA-256 checked; an interrupted download resumes on the next run).");
        command.Arguments.Add(model);
        command.Options.Add(cache);
        command.Options.Add(baseUrl);
        command.Options.Add(json);
        command.Options.Add(vocabOnly);
        command.Validators.Add(result =>
        {
            // Tokens, not GetValue: converting the argument here would drop the error AcceptOnlyFromAmong reports for an unknown name.
            if (result.GetResult(model) is not { Tokens.Count: > 0 } && !result.GetValue(vocabOnly))
            {
                result.AddError($"Name the model to download ({string.Join(", ", ClipCheckpoints.ModelNames)}), or pass --vocab-only.");
            }
        });
        command.SetAction((parseResult, cancellationToken) => RunAsync(
            parseResult.GetValue(model), parseResult.GetValue(cache), parseResult.GetValue(baseUrl), parseResult.GetValue(json), parseResult.GetValue(vocabOnly),
            parseResult.InvocationConfiguration.Output, parseResult.InvocationConfiguration.Error, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(string? modelName, string? cache, string? baseUrl, bool json, bool vocabOnly,
        TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        Uri? mirror = null;
        if (baseUrl is not null &&
            (!Uri.TryCreate(baseUrl, UriKind.Absolute, out mirror) || (mirror.Scheme != Uri.UriSchemeHttp && mirror.Scheme != Uri.UriSchemeHttps)))
        {
            error.WriteLine($"daclip download: --base-url '{baseUrl}' is not an absolute http:// or https:// URL.");
            return 2;
        }

        var files = new List<DownloadableFile>();
        if (!vocabOnly && modelName is not null) files.Add(ClipCheckpoints.FindModel(modelName));
        files.Add(ClipCheckpoints.BpeVocab);

        using var downloader = new ClipDownloader(new ClipDownloaderOptions { CacheDirectory = cache, BaseUrl = mirror });
        var results = new List<object>();
        foreach (var file in files)
        {
            bool wasCached = downloader.IsCached(file);
            var bar = ConsoleProgressBar.Wanted(json) && !wasCached ? new ConsoleProgressBar(file.FileName, error) : null;
            string path;
            try
            {
                path = await downloader.DownloadAsync(file, bar, cancellationToken);
            }
            catch (DaClipException ex)
            {
                bar?.Finish();
                error.WriteLine($"daclip download: {ex.Message}");
                return IsPathBelowAFile(ex) ? VerbRunner.UsageError : VerbRunner.IoError;
            }
            catch (OperationCanceledException)
            {
                bar?.Finish();
                error.WriteLine($"daclip download: cancelled. The bytes received so far stay in {downloader.CachedPath(file)}.partial; run the command again to resume.");
                return 130;
            }
            bar?.Finish();
            long bytes = new FileInfo(path).Length;
            results.Add(new { name = file.Name, path, sha256 = file.Sha256, bytes, downloaded = !wasCached });
            if (!json) output.WriteLine($"{file.Name}: {path} ({(wasCached ? "already in the cache" : $"downloaded, {bytes:N0} bytes, SHA-256 verified")})");
        }
        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(new { cache = downloader.CacheDirectory, files = results }, new JsonSerializerOptions { WriteIndented = true }));
        }
        return 0;
    }

    /// <summary>
    /// A cache folder that cannot exist because a part of its path is a file: a usage error (exit 2) as in every verb,
    /// unlike a network or disk failure (exit 1).
    /// </summary>
    private static bool IsPathBelowAFile(DaClipException e) =>
        e is DownloadException { Failure: DownloadFailure.CacheNotWritable }
        && (e.InnerException is DirectoryNotFoundException || (e.InnerException is IOException io && io.Message.Contains("already exists", StringComparison.Ordinal)));
}
