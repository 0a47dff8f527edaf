using System.Globalization;
using System.Text;

namespace DaClip.MLNet.Training.Clip.Text;

/// <summary>
/// A fixed, built-in word-level tokenizer for the embedded random "tiny" backbone that runs when no real CLIP
/// weights or vocabulary are at hand. It is <b>not</b> CLIP's vocabulary: its ids mean nothing to a real checkpoint.
/// </summary>
/// <remarks>
/// <para>The text is lower-cased (as Python does) and split into runs of letters and digits and single other
/// characters (punctuation, symbols); whitespace and control characters separate. A word in <see cref="Words"/> gets its index as id,
/// any other word <see cref="UnknownId"/>. Id 0 is the padding id, as in CLIP, and never stands for a word; the
/// start- and end-of-text ids come last, so the end-of-text id is the largest (the text tower finds it by argmax).</para>
/// <para>The list covers the DA-CLIP prompt template "a photo of a {state}." with its normal and anomaly states
/// (the full stop is a token), plus a few common inspection words. The ids never change between versions.</para>
/// </remarks>
internal sealed class TinyWordTokenizer : IClipTokenizer
{
    /// <summary>The vocabulary in id order: padding, unknown, then the words.</summary>
    public static IReadOnlyList<string> Words { get; } =
    [
        "<pad>", "<unk>", ".", ",", "a", "an", "the", "photo", "of", "object", "with", "damaged", "broken", "flaw",
        "defect", "damage", "normal", "anomalous", "good", "perfect", "flawless", "defective", "image", "picture",
        "scratch", "crack", "hole", "stain", "contamination", "missing", "bent", "cut", "surface", "texture",
        "and", "on", "in", "no", "this", "is",
    ];

    /// <summary>Padding id (fills the sequence after the end-of-text id).</summary>
    public const int PadId = 0;

    /// <summary>The id of any word that is not in <see cref="Words"/>.</summary>
    public const int UnknownId = 1;

    private static readonly Dictionary<string, int> Ids = Words.Select((w, i) => (w, i)).Skip(2).ToDictionary(p => p.w, p => p.i, StringComparer.Ordinal);

    /// <summary>The shared instance (the tokenizer has no state).</summary>
    public static TinyWordTokenizer Instance { get; } = new();

    /// <inheritdoc/>
    public int SotId => Words.Count;

    /// <inheritdoc/>
    public int EotId => Words.Count + 1;

    /// <inheritdoc/>
    public int VocabSize => VocabularySize;

    /// <summary>The vocabulary size: the words, then the start- and end-of-text ids.</summary>
    public const int VocabularySize = 42;

    /// <summary>The word ids of <paramref name="text"/> (the interface's content ids; there is no BPE here).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    public int[] EncodeBpe(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return [.. SplitWords(PythonText.Lower(text)).Select(w => Ids.TryGetValue(w, out int id) ? id : UnknownId)];
    }

    /// <inheritdoc/>
    public long[] Tokenize(string text, int contextLength = ClipTokenizer.DefaultContextLength, bool truncate = true) =>
        TokenSequence.Frame(text, EncodeBpe(text), SotId, EotId, contextLength, truncate);

    /// <summary>Splits lower-cased text into runs of letters and digits and single other characters; whitespace and control characters separate.</summary>
    internal static IEnumerable<string> SplitWords(string text)
    {
        var word = new StringBuilder();
        foreach (var r in text.EnumerateRunes())
        {
            if (Rune.IsLetterOrDigit(r))
            {
                word.Append(r.ToString());
                continue;
            }
            if (word.Length > 0)
            {
                yield return word.ToString();
                word.Clear();
            }
            if (!PythonText.IsSpace(r.Value) && Rune.GetUnicodeCategory(r) != UnicodeCategory.Control) yield return r.ToString();
        }
        if (word.Length > 0) yield return word.ToString();
    }
}
