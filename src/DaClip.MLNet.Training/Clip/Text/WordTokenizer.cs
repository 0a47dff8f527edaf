using DaClip.MLNet.Training.Synthetic;
using DaClip.MLNet.Training.Synthetic.Corpus;

namespace DaClip.MLNet.Training.Clip.Text;

/// <summary>
/// A word-level tokenizer whose vocabulary is built from a caption corpus plus DA-CLIP's prompt words and stored with
/// the weights it was trained with (the pretrained <c>mini</c> backbone). Words are split as
/// <see cref="TinyWordTokenizer"/> splits them (lower case; letters and digits in runs; punctuation single).
/// Ids: 0 padding, 1 unknown word, then the words in sorted order, then start- and end-of-text (the largest id).
/// CLIP's BPE tokenizer (<see cref="ClipTokenizer"/>) keeps serving real checkpoints.
/// </summary>
internal sealed class WordTokenizer : IClipTokenizer
{
    private readonly Dictionary<string, int> _ids;

    /// <summary>Padding id.</summary>
    public const int PadId = 0;

    /// <summary>The id of a word that is not in the vocabulary.</summary>
    public const int UnknownId = 1;

    private WordTokenizer(IReadOnlyList<string> words)
    {
        Words = words;
        _ids = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 2; i < words.Count; i++) _ids[words[i]] = i;
    }

    /// <summary>The vocabulary in id order: <c>&lt;pad&gt;</c>, <c>&lt;unk&gt;</c>, then the words.</summary>
    public IReadOnlyList<string> Words { get; }

    /// <inheritdoc/>
    public int SotId => Words.Count;

    /// <inheritdoc/>
    public int EotId => Words.Count + 1;

    /// <inheritdoc/>
    public int VocabSize => Words.Count + 2;

    /// <summary>
    /// Builds the vocabulary of every word in <paramref name="texts"/> (sorted ordinally, so the ids depend only on
    /// the set of words).
    /// </summary>
    public static WordTokenizer Build(IEnumerable<string> texts)
    {
        var words = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var t in texts)
            foreach (var w in TinyWordTokenizer.SplitWords(PythonText.Lower(t))) words.Add(w);
        words.Remove("<pad>");
        words.Remove("<unk>");
        return new WordTokenizer(["<pad>", "<unk>", .. words]);
    }

    /// <summary>
    /// The vocabulary of the <c>mini</c> pretraining: every word the caption corpus can write, DA-CLIP's default
    /// prompts, and the words of the built-in <c>tiny</c> list.
    /// </summary>
    public static WordTokenizer ForCorpus() =>
        Build(CaptionCorpus.Lexicon().Concat(new DaClipModelOptions().Prompts()).Concat(TinyWordTokenizer.Words.Skip(2)));

    /// <summary>The stored form: the words in id order, one a line (padding and unknown included).</summary>
    public string Serialize() => string.Join('\n', Words);

    /// <summary>Reads the stored form written by <see cref="Serialize"/>.</summary>
    /// <exception cref="DaClipException">The text does not start with the padding and unknown entries, or repeats a word.</exception>
    public static WordTokenizer Deserialize(string text)
    {
        var words = text.Split('\n');
        if (words.Length < 3 || words[0] != "<pad>" || words[1] != "<unk>")
            throw new DaClipException("The stored word vocabulary is malformed: it must list <pad>, <unk> and then the words, one a line.");
        if (words.Distinct(StringComparer.Ordinal).Count() != words.Length)
            throw new DaClipException("The stored word vocabulary lists a word twice.");
        return new WordTokenizer(words);
    }

    /// <inheritdoc/>
    public int[] EncodeBpe(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return [.. TinyWordTokenizer.SplitWords(PythonText.Lower(text)).Select(w => _ids.TryGetValue(w, out int id) ? id : UnknownId)];
    }

    /// <inheritdoc/>
    public long[] Tokenize(string text, int contextLength = ClipTokenizer.DefaultContextLength, bool truncate = true) =>
        TokenSequence.Frame(text, EncodeBpe(text), SotId, EotId, contextLength, truncate);
}
