using System.Text;

namespace DaClip.MLNet.Training.Clip.Text;

/// <summary>
/// The two HTML un-escaping rules of CLIP's text cleaning, both over the HTML5 named character references of
/// <see cref="HtmlEntityTable"/>:
/// <list type="bullet">
/// <item><see cref="Unescape"/>: Python's <c>html.unescape</c>, which CLIP applies twice. It differs from
/// <see cref="System.Net.WebUtility.HtmlDecode(string)"/>: it knows all 2231 HTML5 names (not only the HTML 4 ones),
/// decodes the 106 legacy names without a semicolon and as the longest prefix of a longer word
/// (<c>&amp;notanentity;</c> becomes <c>¬anentity;</c>), and maps numeric references the HTML5 way
/// (<c>&amp;#150;</c> is an en dash, <c>&amp;#0;</c> is U+FFFD, <c>&amp;#1;</c> disappears).</item>
/// <item><see cref="UnescapeStrict"/>: the stricter rule of ftfy's <c>unescape_html</c>: only complete
/// <c>&amp;name;</c> / <c>&amp;#n;</c> references, plus the all-capitals spelling of lower-case names
/// (<c>&amp;EACUTE;</c> is É).</item>
/// </list>
/// </summary>
internal static class HtmlUnescaper
{
    private static readonly Lazy<Tables> LazyTables = new(BuildTables);

    /// <summary>Python's <c>html.unescape(text)</c>.</summary>
    public static string Unescape(string text)
    {
        if (!text.Contains('&')) return text;
        var names = LazyTables.Value.Names;
        var sb = new StringBuilder(text.Length);
        int i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            if (c != '&' || i + 1 >= text.Length)
            {
                sb.Append(c);
                i++;
                continue;
            }
            int end = TryNumericReference(text, i + 1, sb);
            if (end < 0) end = TryNamedReference(text, i + 1, names, sb);
            if (end < 0)
            {
                sb.Append('&');
                i++;
            }
            else i = end;
        }
        return sb.ToString();
    }

    /// <summary>ftfy's <c>unescape_html</c>: <c>&amp;#?[0-9A-Za-z]{1,24};</c> references that decode completely.</summary>
    public static string UnescapeStrict(string text)
    {
        if (!text.Contains('&')) return text;
        var strict = LazyTables.Value.StrictNames;
        var sb = new StringBuilder(text.Length);
        int i = 0;
        while (i < text.Length)
        {
            if (text[i] != '&')
            {
                sb.Append(text[i++]);
                continue;
            }
            int p = i + 1;
            bool numeric = p < text.Length && text[p] == '#';
            if (numeric) p++;
            int runStart = p;
            while (p < text.Length && char.IsAsciiLetterOrDigit(text[p])) p++;
            int run = p - runStart;
            if (run < 1 || run > 24 || p >= text.Length || text[p] != ';')
            {
                sb.Append('&');
                i++;
                continue;
            }
            string reference = text[i..(p + 1)];
            if (strict.TryGetValue(reference, out var value)) sb.Append(value);
            else if (numeric)
            {
                var decoded = Unescape(reference);
                sb.Append(decoded.Contains(';') ? reference : decoded);
            }
            else sb.Append(reference);
            i = p + 1;
        }
        return sb.ToString();
    }

    // "&#123;" / "&#x7B;" with an optional ';' (Python: #[0-9]+;? | #[xX][0-9a-fA-F]+;?). Returns the index after it, or -1.
    private static int TryNumericReference(string text, int start, StringBuilder sb)
    {
        if (text[start] != '#') return -1;
        int p = start + 1;
        bool hex = false;
        if (p < text.Length && (text[p] == 'x' || text[p] == 'X') && p + 1 < text.Length && char.IsAsciiHexDigit(text[p + 1]))
        {
            hex = true;
            p++;
        }
        else if (p >= text.Length || !char.IsAsciiDigit(text[p])) return -1;
        int digitsStart = p;
        while (p < text.Length && (hex ? char.IsAsciiHexDigit(text[p]) : char.IsAsciiDigit(text[p]))) p++;
        long value = ParseSaturated(text.AsSpan(digitsStart, p - digitsStart), hex ? 16 : 10);
        if (p < text.Length && text[p] == ';') p++;
        sb.Append(NumericReference(value));
        return p;
    }

    // Python's rules for a numeric character reference (html._invalid_charrefs and html._invalid_codepoints).
    private static string NumericReference(long value)
    {
        if (value == 0x00) return "\uFFFD";
        if (value == 0x0D) return "\r";
        if (value is >= 0x80 and <= 0x9F) return Windows1252Controls[(int)value - 0x80].ToString();
        if (value is >= 0xD800 and <= 0xDFFF || value > 0x10FFFF) return "\uFFFD";
        if (value is >= 0x01 and <= 0x08 or 0x0B or >= 0x0E and <= 0x1F or 0x7F or >= 0xFDD0 and <= 0xFDEF
            || (value & 0xFFFE) == 0xFFFE) return "";
        return char.ConvertFromUtf32((int)value);
    }

    // What Windows-1252 puts at bytes 0x80..0x9F; the five bytes it leaves undefined keep their C1 code point.
    private const string Windows1252Controls =
        "\u20AC\u0081\u201A\u0192\u201E\u2026\u2020\u2021\u02C6\u2030\u0160\u2039\u0152\u008D\u017D\u008F" +
        "\u0090\u2018\u2019\u201C\u201D\u2022\u2013\u2014\u02DC\u2122\u0161\u203A\u0153\u009D\u017E\u0178";

    private static long ParseSaturated(ReadOnlySpan<char> digits, int radix)
    {
        long value = 0;
        foreach (char d in digits)
        {
            value = value * radix + (char.IsAsciiDigit(d) ? d - '0' : (d | 0x20) - 'a' + 10);
            if (value > 0x10FFFF) return 0x110000;
        }
        return value;
    }

    // Python: [^\t\n\f <&#;]{1,32};? then the exact name, else the longest known prefix of at least 2 characters.
    private static int TryNamedReference(string text, int start, Dictionary<string, string> names, StringBuilder sb)
    {
        int p = start;
        while (p < text.Length && p - start < 32 && text[p] is not ('\t' or '\n' or '\f' or ' ' or '<' or '&' or '#' or ';')) p++;
        if (p == start) return -1;
        if (p < text.Length && text[p] == ';') p++;
        string s = text[start..p];
        if (names.TryGetValue(s, out var value))
        {
            sb.Append(value);
            return p;
        }
        for (int x = s.Length - 1; x > 1; x--)
        {
            if (names.TryGetValue(s[..x], out value))
            {
                sb.Append(value).Append(s, x, s.Length - x);
                return p;
            }
        }
        sb.Append('&').Append(s);
        return p;
    }

    private sealed record Tables(Dictionary<string, string> Names, Dictionary<string, string> StrictNames);

    private static Tables BuildTables()
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in HtmlEntityTable.Entries.Split(['\t', '\n'], StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = entry.Split(' ');
            var sb = new StringBuilder();
            for (int k = 1; k < parts.Length; k++) sb.Append(char.ConvertFromUtf32(Convert.ToInt32(parts[k], 16)));
            names[parts[0]] = sb.ToString();
        }
        // ftfy: every name that ends in ';', and the upper-case spelling of the all-lower-case ones unless Python's
        // html.unescape would already read that spelling as something (the value is then upper-cased as Python does).
        var strict = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in names)
        {
            if (!name.EndsWith(';')) continue;
            strict["&" + name] = value;
            if (name != name.ToLowerInvariant()) continue;
            string upper = "&" + name.ToUpperInvariant();
            if (!strict.ContainsKey(upper) && UnescapeName(upper, names) == upper) strict[upper] = PythonUpper(value);
        }
        return new Tables(names, strict);
    }

    // html.unescape of one "&NAME;" reference, during table construction.
    private static string UnescapeName(string text, Dictionary<string, string> names)
    {
        var sb = new StringBuilder();
        int end = TryNamedReference(text, 1, names, sb);
        return end == text.Length ? sb.ToString() : text;
    }

    // str.upper() for the values of lower-case entity names: the simple mapping, plus the full (multi-character)
    // mappings of the characters among those values that have one (sharp s, n preceded by apostrophe, Latin ligatures).
    private static string PythonUpper(string value) => value switch
    {
        "\u00DF" => "SS",
        "\u0149" => "\u02BCN",
        "\uFB00" => "FF",
        "\uFB01" => "FI",
        "\uFB02" => "FL",
        "\uFB03" => "FFI",
        "\uFB04" => "FFL",
        _ => value.ToUpperInvariant(),
    };
}
