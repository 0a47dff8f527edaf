namespace DaClip.Serve;

/// <summary>The web page served at <c>/</c> (Page/index.html, embedded): upload or drop an image, score, verdict, overlay, threshold slider.</summary>
internal static class IndexPage
{
    private static readonly Lazy<string> Text = new(() =>
    {
        using var stream = typeof(IndexPage).Assembly.GetManifestResourceStream("DaClip.Serve.index.html")
            ?? throw new InvalidOperationException("The embedded resource DaClip.Serve.index.html is missing from the build.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    /// <summary>The page's HTML.</summary>
    public static string Html => Text.Value;
}
