using System.Text;

namespace DaClip.MLNet.Training.Clip.Text;

/// <summary>
/// An equivalent of <c>ftfy.fix_text</c> with ftfy 6's default options, the first step of CLIP's text cleaning.
/// The text is fixed in segments that end after each <c>\n</c> (at most 1,000,000 characters each). Every segment
/// goes through the fixes below in ftfy's order, repeated until the segment no longer changes:
/// <list type="number">
/// <item>HTML references (<see cref="HtmlUnescaper.UnescapeStrict"/>), unless a <c>&lt;</c> has been seen in this or
/// an earlier segment (then the text is taken for HTML and its references are kept);</item>
/// <item>mojibake repair (<see cref="MojibakeFixer"/>) and then left-over C1 controls;</item>
/// <item>Latin ligatures split (ﬁ → fi, ĳ → ij, ǆ → dž, ...);</item>
/// <item>fullwidth and halfwidth forms U+FF01..U+FFEF replaced by their NFKC equivalents, U+3000 by a space;</item>
/// <item>curly quotes straightened (U+02BC, U+2018..U+201B → ', U+201C..U+201F → ");</item>
/// <item>line breaks unified (\r\n, \r, U+2028, U+2029, U+0085 → \n);</item>
/// <item>unpaired UTF-16 surrogates → U+FFFD;</item>
/// <item>ANSI terminal escapes (<c>ESC [ digits/; letter</c>) removed;</item>
/// <item>control characters removed: U+0000..U+0008, U+000B, U+000E..U+001F, U+007F, U+206A..U+206F, U+FEFF,
/// U+FFF9..U+FFFC;</item>
/// <item>NFC normalisation.</item>
/// </list>
/// Everything except the mojibake repair reproduces ftfy exactly; see <see cref="MojibakeFixer"/> for how that step
/// differs.
/// </summary>
internal static class TextFixer
{
    private const int MaxSegmentLength = 1_000_000;

    /// <summary>Fixes <paramref name="text"/> as <c>ftfy.fix_text(text)</c> does.</summary>
    public static string FixText(string text)
    {
        var sb = new StringBuilder(text.Length);
        bool unescapeHtml = true;
        int pos = 0;
        while (pos < text.Length)
        {
            int lineEnd = text.IndexOf('\n', pos);
            int end = lineEnd < 0 ? text.Length : lineEnd + 1;
            if (end - pos > MaxSegmentLength) end = pos + MaxSegmentLength;
            var segment = text[pos..end];
            if (segment.Contains('<')) unescapeHtml = false;
            sb.Append(FixSegment(segment, unescapeHtml));
            pos = end;
        }
        return sb.ToString();
    }

    private static string FixSegment(string text, bool unescapeHtml)
    {
        while (true)
        {
            var original = text;
            if (unescapeHtml) text = HtmlUnescaper.UnescapeStrict(text);
            text = MojibakeFixer.Fix(text);
            text = MojibakeFixer.FixC1Controls(text);
            text = FixLatinLigatures(text);
            text = FixCharacterWidth(text);
            text = UncurlQuotes(text);
            text = FixLineBreaks(text);
            text = FixSurrogates(text);
            text = RemoveTerminalEscapes(text);
            text = RemoveControlCharacters(text);
            text = text.Normalize(NormalizationForm.FormC);
            if (text == original) return text;
        }
    }

    private static string FixLatinLigatures(string text)
    {
        if (!text.Any(c => LigatureOf(c) is not null)) return text;
        var sb = new StringBuilder(text.Length + 8);
        foreach (char c in text) sb.Append(LigatureOf(c) ?? c.ToString());
        return sb.ToString();
    }

    private static string? LigatureOf(char c) => c switch
    {
        '\u0132' => "IJ",
        '\u0133' => "ij",
        '\u0149' => "\u02BCn",
        '\u01C4' => "D\u017D",
        '\u01C5' => "D\u017E",
        '\u01C6' => "d\u017E",
        '\u01C7' => "LJ",
        '\u01C8' => "Lj",
        '\u01C9' => "lj",
        '\u01CA' => "NJ",
        '\u01CB' => "Nj",
        '\u01CC' => "nj",
        '\u01F1' => "DZ",
        '\u01F2' => "Dz",
        '\u01F3' => "dz",
        '\uFB00' => "ff",
        '\uFB01' => "fi",
        '\uFB02' => "fl",
        '\uFB03' => "ffi",
        '\uFB04' => "ffl",
        '\uFB05' => "\u017Ft",
        '\uFB06' => "st",
        _ => null,
    };

    private static string FixCharacterWidth(string text)
    {
        if (!text.Any(c => c is '\u3000' or >= '\uFF01' and <= '\uFFEF')) return text;
        var sb = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            if (c == '\u3000') sb.Append(' ');
            else if (c is >= '\uFF01' and <= '\uFFEF') sb.Append(c.ToString().Normalize(NormalizationForm.FormKC));
            else sb.Append(c);
        }
        return sb.ToString();
    }

    private static string UncurlQuotes(string text)
    {
        if (!text.Any(c => c is '\u02BC' or >= '\u2018' and <= '\u201F')) return text;
        var chars = text.ToCharArray();
        for (int i = 0; i < chars.Length; i++)
        {
            if (chars[i] is '\u02BC' or >= '\u2018' and <= '\u201B') chars[i] = '\'';
            else if (chars[i] is >= '\u201C' and <= '\u201F') chars[i] = '"';
        }
        return new string(chars);
    }

    private static string FixLineBreaks(string text) =>
        text.Replace("\r\n", "\n").Replace('\r', '\n').Replace('\u2028', '\n').Replace('\u2029', '\n').Replace('\u0085', '\n');

    private static string FixSurrogates(string text)
    {
        if (!text.Any(char.IsSurrogate)) return text;
        var sb = new StringBuilder(text.Length);
        foreach (var r in text.EnumerateRunes()) sb.Append(r.ToString());
        return sb.ToString();
    }

    // ESC '[' (digits or ';')* letter; a digit is any Unicode decimal digit, as for Python's \d.
    private static string RemoveTerminalEscapes(string text)
    {
        if (!text.Contains('\u001B')) return text;
        var sb = new StringBuilder(text.Length);
        int i = 0;
        while (i < text.Length)
        {
            if (text[i] == '\u001B' && i + 1 < text.Length && text[i + 1] == '[')
            {
                int p = i + 2;
                while (p < text.Length && (char.IsDigit(text[p]) || text[p] == ';')) p++;
                if (p < text.Length && char.IsAsciiLetter(text[p]))
                {
                    i = p + 1;
                    continue;
                }
            }
            sb.Append(text[i++]);
        }
        return sb.ToString();
    }

    private static string RemoveControlCharacters(string text)
    {
        if (!text.Any(IsRemovedControl)) return text;
        var sb = new StringBuilder(text.Length);
        foreach (char c in text) if (!IsRemovedControl(c)) sb.Append(c);
        return sb.ToString();
    }

    private static bool IsRemovedControl(char c) =>
        c is <= '\u0008' or '\u000B' or >= '\u000E' and <= '\u001F' or '\u007F' or >= '\u206A' and <= '\u206F'
            or '\uFEFF' or >= '\uFFF9' and <= '\uFFFC';
}
