using Microsoft.ML.Tokenizers;

namespace DaClip.MLNet.Training.Clip.Text;

/// <summary>
/// OpenAI CLIP's tokenizer (<c>clip.tokenize</c> / <c>SimpleTokenizer</c>), giving the same ids for every text.
/// </summary>
/// <remarks>
/// <para>Where each step comes from:</para>
/// <list type="bullet">
/// <item>Text cleaning (ftfy equivalent, <c>html.unescape</c> twice, whitespace, Python lower-casing):
/// <see cref="ClipTextCleaner"/>, written for this project; Microsoft.ML.Tokenizers has no CLIP normaliser.</item>
/// <item>Word splitting with CLIP's pattern: written for this project, over code points (see the internal
/// <c>ClipPreTokenizer</c>), because a .NET <see cref="System.Text.RegularExpressions.Regex"/> sees surrogate halves
/// where Python sees one letter or digit.</item>
/// <item>UTF-8 bytes → CLIP's byte characters (<c>bytes_to_unicode</c>): written for this project; it also builds the
/// vocabulary of the <c>.gz</c> file, which holds only merges.</item>
/// <item>The byte-pair merges of each word, with the <c>&lt;/w&gt;</c> end-of-word suffix and CLIP's merge ranks:
/// Microsoft.ML.Tokenizers' <see cref="BpeTokenizer"/> (vocabulary and merges passed in memory, no pre-tokenizer,
/// no normaliser, <see cref="BpeOptions.EndOfWordSuffix"/> = <c>&lt;/w&gt;</c>).</item>
/// <item><c>&lt;|startoftext|&gt;</c> / <c>&lt;|endoftext|&gt;</c> in the text, framing, padding and truncation:
/// written for this project, as in <c>clip.tokenize</c>.</item>
/// </list>
/// <para>Instances are immutable after construction and may be used from several threads at once (the only mutable
/// state, Microsoft.ML.Tokenizers' word cache, is locked).</para>
/// </remarks>
internal sealed class ClipTokenizer : IClipTokenizer
{
    /// <summary>CLIP's context length: 77 positions (start, up to 75 content ids, end).</summary>
    public const int DefaultContextLength = 77;

    /// <summary>Where OpenAI publishes <c>bpe_simple_vocab_16e6.txt.gz</c>.</summary>
    public const string BpeVocabUrl = ClipBpeVocabulary.BpeGzipUrl;

    /// <summary>SHA-256 of <c>bpe_simple_vocab_16e6.txt.gz</c>.</summary>
    public const string BpeVocabSha256 = ClipBpeVocabulary.BpeGzipSha256;

    private readonly BpeTokenizer _bpe;

    private ClipTokenizer(ClipBpeVocabulary vocabulary)
    {
        SotId = vocabulary.SotId;
        EotId = vocabulary.EotId;
        VocabSize = vocabulary.VocabSize;
        _bpe = BpeTokenizer.Create(new BpeOptions(vocabulary.Vocabulary)
        {
            Merges = vocabulary.Merges,
            EndOfWordSuffix = ClipBpeVocabulary.EndOfWord,
        });
    }

    /// <summary>
    /// Loads OpenAI's <c>bpe_simple_vocab_16e6.txt.gz</c> (download: <see cref="BpeVocabUrl"/>, sha256
    /// <see cref="BpeVocabSha256"/>); ids are derived as <c>SimpleTokenizer</c> derives them.
    /// </summary>
    /// <exception cref="DaClipFileFormatException">The file is missing, unreadable, or not CLIP's merges file.</exception>
    public static ClipTokenizer FromBpeGzip(string path) => new(ClipBpeVocabulary.FromBpeGzip(path));

    /// <summary>
    /// Loads a Hugging Face CLIP tokenizer's <c>vocab.json</c> and <c>merges.txt</c> (e.g. from
    /// <c>openai/clip-vit-base-patch32</c>); these are the same BPE with the same ids as the <c>.gz</c> file.
    /// </summary>
    /// <exception cref="DaClipFileFormatException">A file is missing or malformed, or the two do not belong together.</exception>
    public static ClipTokenizer FromHuggingFace(string vocabJsonPath, string mergesPath) =>
        new(ClipBpeVocabulary.FromHuggingFace(vocabJsonPath, mergesPath));

    /// <inheritdoc/>
    public int SotId { get; }

    /// <inheritdoc/>
    public int EotId { get; }

    /// <inheritdoc/>
    public int VocabSize { get; }

    /// <inheritdoc/>
    public int[] EncodeBpe(string text)
    {
        var ids = new List<int>();
        foreach (var word in ClipPreTokenizer.Split(ClipTextCleaner.Clean(text)))
        {
            if (word == ClipBpeVocabulary.StartOfText) ids.Add(SotId);
            else if (word == ClipBpeVocabulary.EndOfText) ids.Add(EotId);
            else ids.AddRange(_bpe.EncodeToIds(ClipByteEncoder.Encode(word), considerPreTokenization: false, considerNormalization: false));
        }
        return [.. ids];
    }

    /// <inheritdoc/>
    public long[] Tokenize(string text, int contextLength = DefaultContextLength, bool truncate = true) =>
        TokenSequence.Frame(text, EncodeBpe(text), SotId, EotId, contextLength, truncate);
}
