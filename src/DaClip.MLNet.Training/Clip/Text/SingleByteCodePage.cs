using System.Text;

namespace DaClip.MLNet.Training.Clip.Text;

/// <summary>
/// A single-byte character set that UTF-8 text is commonly mis-decoded with, as a 256-entry table. "Sloppy" pages
/// pass the bytes that the code page leaves undefined through as the Latin-1 character of the same number (what
/// ftfy's <c>sloppy-windows-125x</c> codecs do), so any byte sequence round-trips. The tables come from .NET's
/// <see cref="CodePagesEncodingProvider"/>.
/// </summary>
internal sealed class SingleByteCodePage
{
    private readonly char[] _byteToChar = new char[256];
    private readonly Dictionary<char, byte> _charToByte = new();

    private SingleByteCodePage(string name, Func<byte, char?> decode)
    {
        Name = name;
        for (int b = 255; b >= 0; b--)
        {
            char c = b < 0x80 ? (char)b : decode((byte)b) ?? (char)b;
            _byteToChar[b] = c;
            _charToByte[c] = (byte)b;
        }
    }

    /// <summary>The code page's name, as ftfy spells it.</summary>
    public string Name { get; }

    /// <inheritdoc/>
    public override string ToString() => Name;

    /// <summary>The character that byte <paramref name="b"/> decodes to.</summary>
    public char this[byte b] => _byteToChar[b];

    /// <summary>Whether the character comes from a byte in 0x80..0xBF: the continuation bytes of UTF-8.</summary>
    public bool IsContinuation(char c) => _charToByte.TryGetValue(c, out var b) && b is >= 0x80 and <= 0xBF;

    /// <summary>How many continuation bytes follow when the character is read as a UTF-8 lead byte (0 if it is none).</summary>
    public int ContinuationCount(char c)
    {
        if (!_charToByte.TryGetValue(c, out var b)) return 0;
        return b switch
        {
            >= 0xC2 and <= 0xDF => 1,
            >= 0xE0 and <= 0xEF => 2,
            >= 0xF0 and <= 0xF4 => 3,
            _ => 0,
        };
    }

    /// <summary>Encodes <paramref name="text"/>, or returns null when a character is not in this code page.</summary>
    public byte[]? TryEncode(ReadOnlySpan<char> text)
    {
        var bytes = new byte[text.Length];
        for (int i = 0; i < text.Length; i++)
        {
            if (!_charToByte.TryGetValue(text[i], out bytes[i])) return null;
        }
        return bytes;
    }

    /// <summary>ISO-8859-1: byte n is U+00n.</summary>
    public static SingleByteCodePage Latin1 { get; } = new("latin-1", b => (char)b);

    /// <summary>Windows-1252 with the five undefined bytes passed through.</summary>
    public static SingleByteCodePage SloppyWindows1252 { get; } = FromCodePage("sloppy-windows-1252", 1252);

    /// <summary>
    /// The code pages tried, in ftfy's order, when looking for UTF-8 that was decoded with the wrong one: Latin-1, then the
    /// Windows Western, Cyrillic, Central European, Greek, Turkish and Baltic pages, then ISO-8859-2. (ftfy goes on with
    /// MacRoman and CP437; those two turn too much genuine mathematical and box-drawing text into false repairs
    /// under this project's simpler mojibake test, see <see cref="MojibakeFixer"/>.)
    /// </summary>
    public static IReadOnlyList<SingleByteCodePage> RepairOrder { get; } =
    [
        Latin1,
        SloppyWindows1252,
        FromCodePage("sloppy-windows-1251", 1251),
        FromCodePage("sloppy-windows-1250", 1250),
        FromCodePage("sloppy-windows-1253", 1253),
        FromCodePage("sloppy-windows-1254", 1254),
        FromCodePage("sloppy-windows-1257", 1257),
        FromCodePage("iso-8859-2", 28592),
    ];

    private static SingleByteCodePage FromCodePage(string name, int codePage)
    {
        var encoding = CodePagesEncodingProvider.Instance.GetEncoding(codePage, EncoderFallback.ExceptionFallback, new DecoderReplacementFallback("\uFFFD"))
            ?? throw new InvalidOperationException($"Code page {codePage} is not available from CodePagesEncodingProvider.");
        return new SingleByteCodePage(name, b =>
        {
            var s = encoding.GetString([b]);
            return s.Length == 1 && s[0] != '\uFFFD' ? s[0] : null;
        });
    }
}
