namespace DaClip.MLNet.IO;

/// <summary>
/// The OpenAI CLIP checkpoints (TorchScript archives) and the BPE vocabulary that <see cref="ClipDownloader"/> knows. In each OpenAI URL the
/// folder before the file name is the file's SHA-256, which the download is checked against.
/// </summary>
public static class ClipCheckpoints
{
    /// <summary>OpenAI's model folder; a file's URL is this + <c>&lt;sha256&gt;/&lt;file name&gt;</c>.</summary>
    public static Uri OpenAiModelBaseUrl { get; } = new("https://openaipublic.azureedge.net/clip/models/");

    /// <summary>ViT-B/32 (224 px).</summary>
    public static DownloadableFile ViTB32 { get; } = Model("ViT-B-32", "ViT-B-32.pt", "40d365715913c9da98579312b702a82c18be219cc2a73407c4526f58eba950af");

    /// <summary>ViT-B/16 (224 px).</summary>
    public static DownloadableFile ViTB16 { get; } = Model("ViT-B-16", "ViT-B-16.pt", "5806e77cd80f8b59890b7e101eabd078d9fb84e6937f9e85e4ecb61988df416f");

    /// <summary>ViT-L/14 (224 px).</summary>
    public static DownloadableFile ViTL14 { get; } = Model("ViT-L-14", "ViT-L-14.pt", "b8cca3fd41ae0c99ba7e8951adf17d267cdb84cd88be6f7c2e0eca1737a03836");

    /// <summary>ViT-L/14@336px, the backbone of the paper.</summary>
    public static DownloadableFile ViTL14At336 { get; } = Model("ViT-L-14-336", "ViT-L-14-336px.pt", "3035c92b350959924f9f00213499208652fc7ea050643e8b385c2dac08641f02");

    /// <summary>The CLIP BPE merges file (gzip) from the openai/CLIP repository.</summary>
    public static DownloadableFile BpeVocab { get; } = new(
        "bpe_simple_vocab_16e6",
        "bpe_simple_vocab_16e6.txt.gz",
        "924691ac288e54409236115652ad4aa250f48203de50a9e4722a6ecd48d6804a",
        new Uri("https://github.com/openai/CLIP/raw/main/clip/bpe_simple_vocab_16e6.txt.gz"));

    /// <summary>The models, largest first.</summary>
    public static IReadOnlyList<DownloadableFile> Models { get; } = [ViTL14At336, ViTL14, ViTB16, ViTB32];

    /// <summary>The names of <see cref="Models"/>.</summary>
    public static IReadOnlyList<string> ModelNames { get; } = Models.Select(m => m.Name).ToArray();

    /// <summary>
    /// The model called <paramref name="name"/>: <c>ViT-L-14-336</c> and OpenAI's spelling <c>ViT-L/14@336px</c> are both accepted, letter case ignored.
    /// </summary>
    /// <exception cref="DaClipException">No such model; the message lists the known ones.</exception>
    public static DownloadableFile FindModel(string name)
    {
        var key = Normalize(name);
        return Models.FirstOrDefault(m => Normalize(m.Name) == key)
            ?? throw new DaClipException($"Unknown CLIP model '{name}'. Known models: {string.Join(", ", ModelNames)}.");
    }

    private static DownloadableFile Model(string name, string fileName, string sha256) =>
        new(name, fileName, sha256, new Uri(OpenAiModelBaseUrl, $"{sha256}/{fileName}"));

    private static string Normalize(string? name)
    {
        var key = (name ?? "").Trim().ToLowerInvariant().Replace('/', '-').Replace('@', '-');
        return key.EndsWith("px", StringComparison.Ordinal) ? key[..^2] : key;
    }
}
