using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;

namespace DaClip.MLNet.IO;

/// <summary>
/// Downloads CLIP checkpoints and the BPE vocabulary into a cache folder: resumes a partial download (<c>&lt;file&gt;.partial</c>, HTTP Range),
/// checks the SHA-256, and only then renames the file into place, so the cache never holds an unverified file under its final name.
/// A file already in the cache is returned without any request.
/// </summary>
public sealed class ClipDownloader : IDisposable
{
    private const int BufferSize = 1 << 16;
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly ClipDownloaderOptions _options;

    /// <summary>Creates the downloader.</summary>
    /// <param name="options">Cache folder, mirror, attempts, stall timeout; defaults when <see langword="null"/>.</param>
    /// <param name="httpClient">A client to use (e.g. one configured with a proxy); the downloader creates and owns one when <see langword="null"/>.</param>
    public ClipDownloader(ClipDownloaderOptions? options = null, HttpClient? httpClient = null)
    {
        _options = options ?? new ClipDownloaderOptions();
        if (_options.MaxAttempts < 1) throw new ArgumentOutOfRangeException(nameof(options), _options.MaxAttempts, "MaxAttempts must be at least 1.");
        if (_options.StallTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(options), _options.StallTimeout, "StallTimeout must be positive.");
        CacheDirectory = Path.GetFullPath(_options.CacheDirectory ?? DefaultCacheDirectory());
        if (httpClient is null)
        {
            var handler = new SocketsHttpHandler { ConnectTimeout = _options.StallTimeout, AutomaticDecompression = DecompressionMethods.None };
            _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
            _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("DaClip.MLNet", typeof(ClipDownloader).Assembly.GetName().Version?.ToString(3) ?? "0"));
            _ownsHttp = true;
        }
        else
        {
            _http = httpClient;
        }
    }

    /// <summary>The cache folder (absolute).</summary>
    public string CacheDirectory { get; }

    /// <summary><c>$XDG_CACHE_HOME/daclip</c> when that variable holds an absolute path, else <c>~/.cache/daclip</c>.</summary>
    public static string DefaultCacheDirectory()
    {
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (!string.IsNullOrWhiteSpace(xdg) && Path.IsPathFullyQualified(xdg)) return Path.Combine(xdg, "daclip");
        return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "daclip");
    }

    /// <summary>Where <paramref name="file"/> lies once downloaded and verified.</summary>
    public string CachedPath(DownloadableFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        return Path.Combine(CacheDirectory, file.FileName);
    }

    /// <summary>Whether <paramref name="file"/> is already in the cache.</summary>
    public bool IsCached(DownloadableFile file) => File.Exists(CachedPath(file));

    /// <summary>The URL <paramref name="file"/> is fetched from (the mirror's when <see cref="ClipDownloaderOptions.BaseUrl"/> is set).</summary>
    public Uri UrlOf(DownloadableFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        return file.UrlFor(_options.BaseUrl);
    }

    /// <summary>
    /// Returns the cached path of <paramref name="file"/>, downloading and verifying it first when it is not cached yet.
    /// </summary>
    /// <param name="file">The file (see <see cref="ClipCheckpoints"/>).</param>
    /// <param name="progress">Receives (bytes on disk, total bytes when the server says) as the transfer goes.</param>
    /// <param name="cancellationToken">Stops the transfer; the bytes received stay in the partial file for the next call to resume.</param>
    /// <exception cref="DownloadException">The host is unreachable, answers an HTTP error, keeps dropping the transfer, or the bytes do not match the SHA-256.</exception>
    public async Task<string> DownloadAsync(DownloadableFile file, IProgress<(long done, long? total)>? progress = null, CancellationToken cancellationToken = default)
    {
        var target = CachedPath(file);
        if (File.Exists(target))
        {
            long length = new FileInfo(target).Length;
            progress?.Report((length, length));
            return target;
        }

        var url = UrlOf(file);
        var partial = target + ".partial";
        await using (var stream = OpenPartial(url, partial, target))
        {
            try
            {
                await FetchAsync(file, url, stream, target, progress, cancellationToken).ConfigureAwait(false);
            }
            catch (DownloadException) when (stream.Length == 0)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
                File.Delete(partial);
                throw;
            }

            stream.Position = 0;
            var actual = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
            if (!string.Equals(actual, file.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                long size = stream.Length;
                await stream.DisposeAsync().ConfigureAwait(false);
                File.Delete(partial);
                throw new DownloadException(DownloadFailure.HashMismatch, url, target,
                    $"The download of {file.Name} from {url} ({Bytes(size)}) has SHA-256 {actual}, not the expected {file.Sha256}: the transfer or the server " +
                    $"delivered damaged or different bytes. The corrupted download was deleted. Run the download again, or fetch the file by hand, " +
                    $"check it with 'sha256sum', and put it at {target}.");
            }
        }
        File.Move(partial, target, overwrite: true);
        return target;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_ownsHttp) _http.Dispose();
    }

    /// <summary>Transfers the file into <paramref name="stream"/>, resuming after each interruption until <see cref="ClipDownloaderOptions.MaxAttempts"/> is spent.</summary>
    private async Task FetchAsync(DownloadableFile file, Uri url, FileStream stream, string target,
        IProgress<(long done, long? total)>? progress, CancellationToken cancellationToken)
    {
        for (int attempt = 1; ; attempt++)
        {
            TransferOutcome outcome;
            try
            {
                outcome = await TransferAsync(file, url, stream, target, progress, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException ex)
            {
                throw new DownloadException(DownloadFailure.CacheNotWritable, url, target,
                    $"Writing {stream.Name} failed ({ex.Message}). Free disk space in {CacheDirectory} (the file needs about as much as its download), " +
                    "or choose another cache folder with --cache / ClipDownloaderOptions.CacheDirectory; the next run resumes the partial file.", ex);
            }
            if (outcome.Interruption is null) return;
            if (attempt < _options.MaxAttempts) continue;
            throw new DownloadException(DownloadFailure.Interrupted, url, target,
                $"The download of {file.Name} from {url} stopped after {Bytes(outcome.Done)} of {Bytes(outcome.Total)} ({outcome.Interruption}), " +
                $"{_options.MaxAttempts} attempt(s) made. The bytes received are kept in {stream.Name}; run the download again to resume it.",
                outcome.Cause);
        }
    }

    private FileStream OpenPartial(Uri url, string partial, string target)
    {
        try
        {
            Directory.CreateDirectory(CacheDirectory);
            return new FileStream(partial, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, BufferSize, useAsync: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new DownloadException(DownloadFailure.CacheNotWritable, url, target,
                $"Cannot open {partial} for writing ({ex.Message}). Another download of the same file may be running (wait for it), " +
                $"or the cache folder {CacheDirectory} is not writable (choose another with --cache / ClipDownloaderOptions.CacheDirectory).", ex);
        }
    }

    private async Task<TransferOutcome> TransferAsync(DownloadableFile file, Uri url, FileStream stream, string target,
        IProgress<(long done, long? total)>? progress, CancellationToken cancellationToken)
    {
        long existing = stream.Length;
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (existing > 0) request.Headers.Range = new RangeHeaderValue(existing, null);

        HttpResponseMessage response;
        using (var answer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            answer.CancelAfter(_options.StallTimeout);
            try
            {
                response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, answer.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                var why = ex is HttpRequestException ? ex.Message : $"no answer within {_options.StallTimeout.TotalSeconds:0} s";
                var kept = existing > 0 ? $" The {Bytes(existing)} already received stay in {stream.Name} and the next run resumes from there." : "";
                throw new DownloadException(DownloadFailure.Unreachable, url, target,
                    $"Could not reach {url.Host} to download {file.Name} ({why}).{kept} On a machine with internet access, fetch {file.DefaultUrl}, " +
                    $"check that 'sha256sum' prints {file.Sha256}, and copy the file to {target} (or point --cache / ClipDownloaderOptions.CacheDirectory " +
                    $"at the folder that holds it); a mirror can be used with --base-url / ClipDownloaderOptions.BaseUrl.", ex);
            }
        }

        using (response)
        {
            if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable && existing > 0)
            {
                stream.SetLength(0);
                return new TransferOutcome(0, null, "the server refused to resume from the partial file, which was discarded", null);
            }
            if (!response.IsSuccessStatusCode)
            {
                throw new DownloadException(DownloadFailure.HttpError, url, target,
                    $"{url} answered HTTP {(int)response.StatusCode} {response.ReasonPhrase} for {file.Name}. Check the URL (a mirror given with --base-url " +
                    $"must serve the file at <base>/{file.Sha256}/{file.FileName}), or fetch {file.DefaultUrl} by hand and put it at {target}.");
            }

            var range = response.Content.Headers.ContentRange;
            if (response.StatusCode == HttpStatusCode.PartialContent)
            {
                if (range?.From != existing)
                {
                    stream.SetLength(0);
                    return new TransferOutcome(0, range?.Length, $"the server answered a resume request with range '{range}', so the partial file was discarded", null);
                }
                stream.Position = existing;
            }
            else
            {
                existing = 0;
                stream.SetLength(0);
                stream.Position = 0;
            }
            long? total = range?.Length ?? (response.Content.Headers.ContentLength is long length ? existing + length : null);
            return await CopyAsync(response, stream, existing, total, progress, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<TransferOutcome> CopyAsync(HttpResponseMessage response, FileStream stream, long done, long? total,
        IProgress<(long done, long? total)>? progress, CancellationToken cancellationToken)
    {
        var buffer = new byte[BufferSize];
        progress?.Report((done, total));
        Stream body;
        try
        {
            body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            return new TransferOutcome(done, total, ex.Message, ex);
        }

        await using (body.ConfigureAwait(false))
        {
            while (true)
            {
                int read;
                using (var stall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
                {
                    stall.CancelAfter(_options.StallTimeout);
                    try
                    {
                        read = await body.ReadAsync(buffer, stall.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
                    {
                        return await Interrupted(stream, done, total, $"no data for {_options.StallTimeout.TotalSeconds:0} s", ex).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is IOException or HttpRequestException)
                    {
                        return await Interrupted(stream, done, total, ex.Message, ex).ConfigureAwait(false);
                    }
                }
                if (read == 0) break;
                await stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                done += read;
                progress?.Report((done, total));
            }
        }
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        if (total is long expected && done != expected)
        {
            return new TransferOutcome(done, total, "the connection closed early", null);
        }
        return new TransferOutcome(done, total, null, null);
    }

    /// <summary>Saves what was received so far and reports the interruption.</summary>
    private static async Task<TransferOutcome> Interrupted(FileStream stream, long done, long? total, string reason, Exception cause)
    {
        await stream.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        return new TransferOutcome(done, total, reason, cause);
    }

    private static string Bytes(long? count) => count is long n ? $"{n:N0} bytes" : "an unknown number of bytes";

    /// <summary>Result of one transfer attempt: complete when <see cref="Interruption"/> is null.</summary>
    private readonly record struct TransferOutcome(long Done, long? Total, string? Interruption, Exception? Cause);
}
