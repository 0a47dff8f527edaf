namespace DaClip.MLNet.IO;

/// <summary>Why a download failed.</summary>
public enum DownloadFailure
{
    /// <summary>The host could not be reached or did not answer (offline machine, DNS, firewall, proxy).</summary>
    Unreachable,

    /// <summary>The server answered with an HTTP error status (404, 500, ...).</summary>
    HttpError,

    /// <summary>The transfer stopped part-way after every attempt; the bytes received are kept for the next run to resume.</summary>
    Interrupted,

    /// <summary>The downloaded bytes do not have the expected SHA-256; the download was deleted.</summary>
    HashMismatch,

    /// <summary>The cache folder or its partial file cannot be written (permissions, or another download of the same file is running).</summary>
    CacheNotWritable,
}
