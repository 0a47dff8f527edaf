using System.Globalization;
using System.Text;

namespace DaClip.MLNet.Training.Clip.Text;

/// <summary>
/// The Python 3 string operations that CLIP's text cleaning relies on, where .NET behaves differently:
/// <c>str.isspace</c> / <c>str.strip</c> / <c>re.sub(r'\s+', ' ', ...)</c> (Python counts U+001C..U+001F as
/// whitespace, .NET's <c>\s</c> does not), and <c>str.lower</c> (full case mapping: U+0130 becomes "i" + U+0307,
/// and a capital sigma at the end of a word becomes the final sigma U+03C2; .NET's invariant lower-casing keeps
/// U+0130 and always gives U+03C3). Every other code point lower-cases as <see cref="Rune.ToLowerInvariant"/>,
/// which agrees with Python for all of Unicode 14 (checked code point by code point when this was written).
/// </summary>
internal static class PythonText
{
    /// <summary>Python's <c>str.isspace()</c> for one code point (also what Python's <c>re</c> matches with <c>\s</c>).</summary>
    public static bool IsSpace(int codePoint) => codePoint switch
    {
        >= 0x09 and <= 0x0D => true,
        >= 0x1C and <= 0x20 => true,
        0x85 or 0xA0 or 0x1680 => true,
        >= 0x2000 and <= 0x200A => true,
        0x2028 or 0x2029 or 0x202F or 0x205F or 0x3000 => true,
        _ => false,
    };

    /// <summary>
    /// The Unicode White_Space property: what the <c>regex</c> module's <c>\s</c> matches (CLIP's token pattern).
    /// It is <see cref="IsSpace"/> without U+001C..U+001F.
    /// </summary>
    public static bool IsWhiteSpaceProperty(int codePoint) => codePoint is not (>= 0x1C and <= 0x1F) && IsSpace(codePoint);

    /// <summary>Python's <c>str.strip()</c>: removes leading and trailing <see cref="IsSpace"/> characters.</summary>
    public static string Strip(string text)
    {
        int start = 0, end = text.Length;
        while (start < end && IsSpace(text[start])) start++;
        while (end > start && IsSpace(text[end - 1])) end--;
        return start == 0 && end == text.Length ? text : text[start..end];
    }

    /// <summary>Python's <c>re.sub(r'\s+', ' ', text)</c> on a str: every run of whitespace becomes one space.</summary>
    public static string CollapseWhitespace(string text)
    {
        var sb = new StringBuilder(text.Length);
        bool inRun = false;
        foreach (char c in text)
        {
            if (IsSpace(c))
            {
                if (!inRun) sb.Append(' ');
                inRun = true;
            }
            else
            {
                sb.Append(c);
                inRun = false;
            }
        }
        return sb.ToString();
    }

    /// <summary>Python's <c>str.lower()</c> (full lower-case mapping with the Final_Sigma rule).</summary>
    public static string Lower(string text)
    {
        var runes = ToRunes(text);
        var sb = new StringBuilder(text.Length + 4);
        for (int i = 0; i < runes.Length; i++)
        {
            int cp = runes[i].Value;
            if (cp == 0x0130) sb.Append("i\u0307");
            else if (cp == 0x03A3) sb.Append(IsFinalSigma(runes, i) ? '\u03C2' : '\u03C3');
            else sb.Append(Rune.ToLowerInvariant(runes[i]).ToString());
        }
        return sb.ToString();
    }

    /// <summary>The code points of <paramref name="text"/>; an unpaired surrogate reads as U+FFFD.</summary>
    public static Rune[] ToRunes(string text)
    {
        var list = new List<Rune>(text.Length);
        foreach (var r in text.EnumerateRunes()) list.Add(r);
        return [.. list];
    }

    // Unicode's Final_Sigma condition as Python applies it: a cased letter before the sigma (skipping case-ignorable
    // characters) and no cased letter after it (skipping case-ignorable characters).
    private static bool IsFinalSigma(Rune[] runes, int index)
    {
        int j = index - 1;
        while (j >= 0 && IsCaseIgnorable(runes[j])) j--;
        if (j < 0 || !IsCased(runes[j])) return false;
        int k = index + 1;
        while (k < runes.Length && IsCaseIgnorable(runes[k])) k++;
        return k == runes.Length || !IsCased(runes[k]);
    }

    private static bool IsCased(Rune r)
    {
        var cat = Rune.GetUnicodeCategory(r);
        return cat is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
            || Rune.ToLowerInvariant(r) != r || Rune.ToUpperInvariant(r) != r;
    }

    private static bool IsCaseIgnorable(Rune r)
    {
        switch (Rune.GetUnicodeCategory(r))
        {
            case UnicodeCategory.NonSpacingMark:
            case UnicodeCategory.EnclosingMark:
            case UnicodeCategory.Format:
            case UnicodeCategory.ModifierLetter:
            case UnicodeCategory.ModifierSymbol:
                return true;
        }
        // Word_Break MidLetter, MidNumLet and Single_Quote.
        return r.Value is 0x27 or 0x2E or 0x3A or 0xB7 or 0x387 or 0x55F or 0x5F4 or 0x2018 or 0x2019 or 0x2024
            or 0x2027 or 0xFE13 or 0xFE52 or 0xFE55 or 0xFF07 or 0xFF0E or 0xFF1A;
    }
}
