using System.Text;

namespace DaClip.MLNet.Training.Clip.Text;

/// <summary>
/// CLIP's <c>bytes_to_unicode</c>: every byte value gets a printable, non-space character, so that BPE can work on
/// strings while covering arbitrary UTF-8. The 188 printable Latin-1 bytes ('!'..'~', '¡'..'¬', '®'..'ÿ') stand for
/// themselves; the other 68 bytes, in increasing order, get U+0100, U+0101, ... The order of
/// <see cref="Alphabet"/> (printable bytes first, then the others) is the order of ids 0..255 in CLIP's vocabulary.
/// </summary>
internal static class ClipByteEncoder
{
    private static readonly (char[] ByteToChar, char[] Alphabet) Tables = BuildTables();

    /// <summary>The 256 byte characters in CLIP's vocabulary order.</summary>
    public static IReadOnlyList<char> Alphabet => Tables.Alphabet;

    /// <summary>The UTF-8 bytes of <paramref name="token"/>, each replaced by its character.</summary>
    public static string Encode(string token)
    {
        var bytes = Encoding.UTF8.GetBytes(token);
        var chars = new char[bytes.Length];
        for (int i = 0; i < bytes.Length; i++) chars[i] = Tables.ByteToChar[bytes[i]];
        return new string(chars);
    }

    private static (char[], char[]) BuildTables()
    {
        var table = new char[256];
        var order = new List<char>(256);
        for (int b = 0; b < 256; b++)
        {
            if (IsPrintable(b))
            {
                table[b] = (char)b;
                order.Add((char)b);
            }
        }
        int next = 256;
        for (int b = 0; b < 256; b++)
        {
            if (IsPrintable(b)) continue;
            table[b] = (char)next++;
            order.Add(table[b]);
        }
        return (table, [.. order]);
    }

    private static bool IsPrintable(int b) => b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
}
