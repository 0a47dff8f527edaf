using System.Globalization;
using System.Text;

namespace DaClip.MLNet.Training.Clip.Text;

/// <summary>
/// Repairs mojibake: UTF-8 text that was decoded with a single-byte code page (<c>cafÃ©</c> for <c>café</c>,
/// <c>â€œ</c> for <c>“</c>), the job of ftfy's <c>fix_encoding</c>. The plan follows ftfy's (per text, repeated
/// until nothing changes):
/// <list type="number">
/// <item>ASCII text is left alone.</item>
/// <item>Whole-text repair: the first code page of <see cref="SingleByteCodePage.RepairOrder"/> that can encode the
/// whole text and whose bytes are valid UTF-8 gives the repaired text, provided the text shows mojibake in that
/// code page (below) and the result is plausible (no control, private-use or unassigned characters, no U+FFFD).</item>
/// <item>Embedded repair: runs of Windows-1252 characters that spell whole UTF-8 sequences inside otherwise intact
/// text (ftfy's <c>decode_inconsistent_utf8</c>), under the same mojibake test.</item>
/// <item>Remaining C1 controls become their Windows-1252 characters (ftfy's <c>fix_c1_controls</c>; ftfy's
/// re-reading of Latin-1 text as Windows-1252 comes to the same result).</item>
/// </list>
/// The mojibake test is this project's own, simpler than ftfy's badness expression: the text must contain a UTF-8
/// lead-byte character followed by a continuation-byte character where the follower is not a letter, is a C1
/// control, or is one of Š Œ Ž š œ ž Ÿ ƒ (Windows-1252 letters that only appear after a lead byte in mojibake), or
/// where the leader is Ã or Â. Genuine text almost never both passes it and decodes as UTF-8; ftfy's finer options
/// (<c>restore_byte_a0</c>, <c>replace_lossy_sequences</c>, the CESU-8 / Java "utf-8-variants" decoder, MacRoman
/// and CP437) are not reproduced.
/// </summary>
internal static class MojibakeFixer
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Repairs <paramref name="text"/> until it no longer changes.</summary>
    public static string Fix(string text)
    {
        while (true)
        {
            var next = FixOneStep(text);
            if (next == text) return text;
            text = next;
        }
    }

    private static string FixOneStep(string text)
    {
        if (text.Length == 0 || IsAscii(text)) return text;

        foreach (var page in SingleByteCodePage.RepairOrder)
        {
            var bytes = page.TryEncode(text);
            if (bytes is null || !ShowsMojibake(text, page)) continue;
            var decoded = TryDecodeUtf8(bytes);
            if (decoded is not null && decoded != text && IsPlausible(decoded)) return decoded;
        }

        var embedded = FixEmbedded(text);
        return embedded != text ? embedded : FixC1Controls(text);
    }

    /// <summary>ftfy's <c>fix_c1_controls</c>: U+0080..U+009F become the Windows-1252 characters of those bytes.</summary>
    public static string FixC1Controls(string text)
    {
        if (!text.Any(IsC1)) return text;
        var chars = text.ToCharArray();
        for (int i = 0; i < chars.Length; i++)
        {
            if (IsC1(chars[i])) chars[i] = SingleByteCodePage.SloppyWindows1252[(byte)chars[i]];
        }
        return new string(chars);
    }

    // Runs of whole UTF-8 sequences spelled in (sloppy) Windows-1252 characters inside text that cannot be repaired
    // as a whole, e.g. mojibake next to CJK or emoji. A run must not touch further continuation characters.
    private static string FixEmbedded(string text)
    {
        var page = SingleByteCodePage.SloppyWindows1252;
        StringBuilder? sb = null;
        int copied = 0, i = 0;
        while (i < text.Length)
        {
            int end = ScanSequences(text, i, page);
            if (end == i)
            {
                i++;
                continue;
            }
            bool bounded = (i == 0 || !page.IsContinuation(text[i - 1])) && (end == text.Length || !page.IsContinuation(text[end]));
            var run = text[i..end];
            var decoded = bounded && ShowsMojibake(run, page) ? TryDecodeUtf8(page.TryEncode(run)!) : null;
            if (decoded is not null && IsPlausible(decoded))
            {
                sb ??= new StringBuilder(text.Length);
                sb.Append(text, copied, i - copied).Append(decoded);
                copied = end;
            }
            i = end;
        }
        return sb is null ? text : sb.Append(text, copied, text.Length - copied).ToString();
    }

    // The end of the consecutive lead + continuation sequences that start at `start` (== start when there is none).
    private static int ScanSequences(string text, int start, SingleByteCodePage page)
    {
        int p = start;
        while (p < text.Length)
        {
            int n = page.ContinuationCount(text[p]);
            if (n == 0 || p + n >= text.Length) break;
            for (int k = 1; k <= n; k++)
            {
                if (!page.IsContinuation(text[p + k])) return p;
            }
            p += n + 1;
        }
        return p;
    }

    private static bool ShowsMojibake(string text, SingleByteCodePage page)
    {
        for (int i = 0; i + 1 < text.Length; i++)
        {
            char lead = text[i], next = text[i + 1];
            if (page.ContinuationCount(lead) == 0 || !page.IsContinuation(next)) continue;
            if (lead is '\u00C3' or '\u00C2' || IsC1(next) || !char.IsLetter(next) || "\u0160\u0152\u017D\u0161\u0153\u017E\u0178\u0192".Contains(next))
                return true;
        }
        return false;
    }

    private static string? TryDecodeUtf8(byte[] bytes)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    private static bool IsPlausible(string text)
    {
        foreach (var r in text.EnumerateRunes())
        {
            if (r.Value == 0xFFFD) return false;
            switch (Rune.GetUnicodeCategory(r))
            {
                case UnicodeCategory.Control when r.Value is not ('\t' or '\n' or '\r'):
                case UnicodeCategory.PrivateUse:
                case UnicodeCategory.OtherNotAssigned:
                case UnicodeCategory.Surrogate:
                    return false;
            }
        }
        return true;
    }

    private static bool IsAscii(string text)
    {
        foreach (char c in text) if (c >= 0x80) return false;
        return true;
    }

    private static bool IsC1(char c) => c is >= '\u0080' and <= '\u009F';
}
