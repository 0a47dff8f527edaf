namespace DaClip.MLNet.IO;

/// <summary>Settings of <see cref="ClipDownloader"/>.</summary>
public sealed class ClipDownloaderOptions
{
    /// <summary>Cache folder; <see langword="null"/> means <see cref="ClipDownloader.DefaultCacheDirectory"/> (<c>$XDG_CACHE_HOME/daclip</c> or <c>~/.cache/daclip</c>).</summary>
    public string? CacheDirectory { get; init; }

    /// <summary>
    /// A mirror to fetch from instead of the publishers' URLs; every file is then fetched from <c>&lt;BaseUrl&gt;/&lt;sha256&gt;/&lt;file name&gt;</c>
    /// (OpenAI's own layout). <see langword="null"/> (default) uses <see cref="DownloadableFile.DefaultUrl"/>.
    /// </summary>
    public Uri? BaseUrl { get; init; }

    /// <summary>Transfer attempts per call; after an interruption the next attempt resumes with an HTTP Range request. Default 3.</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>How long the server may stay silent (connecting, answering, or between two reads) before the attempt is given up. Default 60 s.</summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(60);
}
