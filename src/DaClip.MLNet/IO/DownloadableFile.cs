namespace DaClip.MLNet.IO;

/// <summary>A file the downloader can fetch and verify: a name, the file name in the cache, its SHA-256 and where it is published.</summary>
/// <param name="Name">The name users type (e.g. <c>ViT-L-14-336</c>).</param>
/// <param name="FileName">The file name in the cache folder (e.g. <c>ViT-L-14-336px.pt</c>).</param>
/// <param name="Sha256">The expected SHA-256, 64 lower-case hex digits.</param>
/// <param name="DefaultUrl">Where the publisher serves the file.</param>
public sealed record DownloadableFile(string Name, string FileName, string Sha256, Uri DefaultUrl)
{
    /// <summary>
    /// The URL to fetch: <see cref="DefaultUrl"/>, or with a mirror <paramref name="baseUrl"/> the OpenAI layout
    /// <c>&lt;baseUrl&gt;/&lt;sha256&gt;/&lt;file name&gt;</c> (for every file, the vocabulary included).
    /// </summary>
    public Uri UrlFor(Uri? baseUrl)
    {
        if (baseUrl is null) return DefaultUrl;
        var text = baseUrl.AbsoluteUri;
        var withSlash = text.EndsWith('/') ? baseUrl : new Uri(text + "/");
        return new Uri(withSlash, $"{Sha256}/{Uri.EscapeDataString(FileName)}");
    }
}
