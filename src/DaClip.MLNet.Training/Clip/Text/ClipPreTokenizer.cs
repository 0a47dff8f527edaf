using System.Globalization;
using System.Text;

namespace DaClip.MLNet.Training.Clip.Text;

/// <summary>
/// CLIP's word splitting: every match, left to right, of
/// <c>&lt;\|startoftext\|&gt;|&lt;\|endoftext\|&gt;|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+</c>
/// with IGNORECASE, as the Python <c>regex</c> module runs it. Written by hand over code points rather than with
/// <see cref="System.Text.RegularExpressions.Regex"/>, because .NET's regex classifies UTF-16 code units: a letter or
/// digit outside the Basic Multilingual Plane (𝒥, 𠀀, 𝟎) is two surrogates there, neither \p{L} nor \p{N}, and the
/// words would split differently. Case-insensitive matching of the literals also accepts U+017F (long s) for "s",
/// the only other character that Python's simple case folding equates with one of their letters.
/// </summary>
internal static class ClipPreTokenizer
{
    private static readonly string[] Specials = ["<|startoftext|>", "<|endoftext|>"];
    private static readonly string[] Contractions = ["'s", "'t", "'re", "'ve", "'m", "'ll", "'d"];

    /// <summary>The words of an already cleaned text.</summary>
    public static List<string> Split(string text)
    {
        var runes = PythonText.ToRunes(text);
        var words = new List<string>();
        int i = 0;
        while (i < runes.Length)
        {
            int end = MatchAt(runes, i);
            if (end == i)
            {
                i++;
                continue;
            }
            var sb = new StringBuilder();
            for (int k = i; k < end; k++) sb.Append(runes[k].ToString());
            words.Add(sb.ToString());
            i = end;
        }
        return words;
    }

    // The end of the match that starts at `start`, or `start` when the pattern does not match there.
    private static int MatchAt(Rune[] runes, int start)
    {
        foreach (var literal in Specials) if (LiteralAt(runes, start, literal)) return start + literal.Length;
        foreach (var literal in Contractions) if (LiteralAt(runes, start, literal)) return start + literal.Length;
        var kind = KindOf(runes[start]);
        if (kind == Kind.Letter)
        {
            int p = start + 1;
            while (p < runes.Length && KindOf(runes[p]) == Kind.Letter) p++;
            return p;
        }
        if (kind == Kind.Number) return start + 1;
        if (kind == Kind.Other)
        {
            int p = start + 1;
            while (p < runes.Length && KindOf(runes[p]) == Kind.Other) p++;
            return p;
        }
        return start;
    }

    private static bool LiteralAt(Rune[] runes, int start, string literal)
    {
        if (start + literal.Length > runes.Length) return false;
        for (int k = 0; k < literal.Length; k++)
        {
            int cp = runes[start + k].Value;
            char want = literal[k];
            bool same = cp == want
                || (char.IsAsciiLetter(want) && cp < 0x80 && char.ToLowerInvariant((char)cp) == want)
                || (want == 's' && cp == 0x017F);
            if (!same) return false;
        }
        return true;
    }

    private enum Kind { Space, Letter, Number, Other }

    private static Kind KindOf(Rune r)
    {
        if (PythonText.IsWhiteSpaceProperty(r.Value)) return Kind.Space;
        return Rune.GetUnicodeCategory(r) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => Kind.Letter,
            UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => Kind.Number,
            _ => Kind.Other,
        };
    }
}
