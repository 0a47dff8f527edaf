namespace DaClip.MLNet.IO;

/// <summary>A checkpoint or vocabulary download failed; the message says why, where the file should go, and how to fetch it by hand.</summary>
public sealed class DownloadException : DaClipException
{
    /// <summary>Creates the exception.</summary>
    public DownloadException(DownloadFailure failure, Uri url, string targetPath, string message, Exception? inner = null)
        : base(message, inner)
    {
        Failure = failure;
        Url = url;
        TargetPath = targetPath;
    }

    /// <summary>Why the download failed.</summary>
    public DownloadFailure Failure { get; }

    /// <summary>The URL that was fetched.</summary>
    public Uri Url { get; }

    /// <summary>Where the verified file would have been written (and where a manually fetched copy belongs).</summary>
    public string TargetPath { get; }
}
