namespace DaClip.MLNet.Training.Clip.Text;

/// <summary>
/// The text normalisation that OpenAI's CLIP tokenizer applies before byte-pair encoding
/// (<c>simple_tokenizer.py</c>: <c>whitespace_clean(basic_clean(text)).lower()</c>), written in C#:
/// <list type="number">
/// <item><see cref="FixText"/>: an equivalent of <c>ftfy.fix_text</c> (curly quotes, fullwidth forms, Latin ligatures,
/// mojibake, line breaks, control characters, HTML references, NFC);</item>
/// <item>Python's <c>html.unescape</c>, twice (HTML5 names, legacy names without semicolons, HTML5 numeric rules;
/// <see cref="System.Net.WebUtility.HtmlDecode(string)"/> differs on all three);</item>
/// <item>strip, collapse every whitespace run to one space, strip (Python's whitespace: also U+001C..U+001F);</item>
/// <item>Python's <c>str.lower</c> (<c>İ</c> → <c>i̇</c>, word-final <c>Σ</c> → <c>ς</c>).</item>
/// </list>
/// No part of this comes from Microsoft.ML.Tokenizers, which has no CLIP normaliser.
/// </summary>
internal static class ClipTextCleaner
{
    /// <summary>The full CLIP cleaning of <paramref name="text"/>: what the BPE step receives.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    public static string Clean(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var s = TextFixer.FixText(text);
        s = HtmlUnescaper.Unescape(HtmlUnescaper.Unescape(s));
        s = PythonText.Strip(s);
        s = PythonText.Strip(PythonText.CollapseWhitespace(s));
        return PythonText.Lower(s);
    }

    /// <summary>
    /// The ftfy step alone (<c>ftfy.fix_text</c> with default options). Every fix is ftfy's except the mojibake
    /// detector, which is a simpler rule of this project: it agrees with ftfy on common UTF-8-read-as-Windows-1252 /
    /// Latin-1 / Windows-1251 mojibake and leaves intact text alone, but it is not ftfy's badness heuristic and does not
    /// reproduce ftfy's MacRoman, CP437, lossy-sequence and CESU-8 repairs.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    public static string FixText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TextFixer.FixText(text);
    }
}
