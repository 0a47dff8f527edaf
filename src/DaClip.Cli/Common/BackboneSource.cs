using DaClip.MLNet.IO;
using DaClip.MLNet.Training.Clip;

namespace DaClip.Cli.Common;

/// <summary>
/// The CLIP backbone a verb trains or rebuilds on, resolved from the command line: <c>tiny</c> (the built-in random
/// backbone), <c>mini</c> (the built-in pretrained one), the path of a CLIP checkpoint, or a model name that <c>daclip download</c> put in the cache
/// (e.g. <c>ViT-L/14@336px</c>); with the BPE vocabulary a checkpoint needs (<c>--vocab</c>, else the cached one).
/// </summary>
/// <param name="Backbone">"tiny", "mini", or the absolute path of the checkpoint.</param>
/// <param name="VocabPath">Absolute path of the vocabulary; null for "tiny" and "mini".</param>
internal sealed record BackboneSource(string Backbone, string? VocabPath)
{
    /// <summary>True for the built-in random backbone.</summary>
    public bool IsTiny => Backbone == ClipBackbone.TinyName;

    /// <summary>True for the built-in pretrained backbone.</summary>
    public bool IsMini => Backbone == ClipBackbone.MiniName;

    /// <summary>True for a built-in backbone (<c>tiny</c> or <c>mini</c>), which needs no vocabulary file and trains fastest on one thread.</summary>
    public bool IsBuiltIn => IsTiny || IsMini;

    /// <summary>Resolves <paramref name="backbone"/> and <paramref name="vocab"/> given as <paramref name="backboneOption"/> / <c>--vocab</c>.</summary>
    /// <exception cref="CliUsageException">The checkpoint or vocabulary cannot be found; the message says where it was looked for and what to run.</exception>
    public static BackboneSource Resolve(string backbone, string? vocab, string backboneOption = "--backbone")
    {
        if (string.Equals(backbone, ClipBackbone.TinyName, StringComparison.OrdinalIgnoreCase)) return new BackboneSource(ClipBackbone.TinyName, null);
        if (string.Equals(backbone, ClipBackbone.MiniName, StringComparison.OrdinalIgnoreCase)) return new BackboneSource(ClipBackbone.MiniName, null);
        using var downloader = new ClipDownloader();
        string checkpoint;
        if (File.Exists(backbone) && MiniBackbone.IsBackboneFile(backbone))
        {
            return new BackboneSource(Path.GetFullPath(backbone), null);    // written by `daclip pretrain`: the vocabulary is inside
        }
        if (File.Exists(backbone))
        {
            checkpoint = Path.GetFullPath(backbone);
        }
        else if (KnownModel(backbone) is { } known)
        {
            checkpoint = downloader.CachedPath(known);
            if (!File.Exists(checkpoint))
                throw new CliUsageException($"{backboneOption} {backbone}: the checkpoint is not in the cache ({checkpoint}). Run `daclip download {known.Name}` first, or pass the path of the file.");
        }
        else
        {
            throw new CliUsageException($"{backboneOption} '{backbone}': no such file ({Path.GetFullPath(backbone)}). Pass the path of a CLIP checkpoint, " +
                $"a model fetched with `daclip download` ({string.Join(", ", ClipCheckpoints.ModelNames)}), 'mini' for the embedded pretrained backbone, or 'tiny' for the random demonstration backbone.");
        }

        if (vocab is not null)
        {
            if (!File.Exists(vocab) && !Directory.Exists(vocab))
                throw new CliUsageException($"--vocab '{vocab}': no such file ({Path.GetFullPath(vocab)}). Pass CLIP's bpe_simple_vocab_16e6.txt.gz (`daclip download --vocab-only` fetches it).");
            return new BackboneSource(checkpoint, Path.GetFullPath(vocab));
        }
        var cached = downloader.CachedPath(ClipCheckpoints.BpeVocab);
        if (!File.Exists(cached))
            throw new CliUsageException($"A CLIP checkpoint backbone needs CLIP's BPE vocabulary: pass --vocab bpe_simple_vocab_16e6.txt.gz, or run `daclip download --vocab-only` to put it in the cache ({cached}).");
        return new BackboneSource(checkpoint, cached);
    }

    /// <summary>The downloadable model called <paramref name="name"/>, or null when it names none.</summary>
    private static DownloadableFile? KnownModel(string name)
    {
        try
        {
            return ClipCheckpoints.FindModel(name);
        }
        catch (MLNet.DaClipException)
        {
            return null;
        }
    }
}
