using System.Buffers.Binary;
using System.IO.Compression;

namespace DaClip.MLNet.Imaging;

/// <summary>
/// Decoder for 16-bit-per-sample PNG (grey, grey + alpha, RGB, RGBA; plain or Adam7-interlaced; <c>tRNS</c> colour key),
/// keeping the full 16-bit precision. SkiaSharp 2.88 decodes such files by keeping only the high byte of each sample,
/// which darkens by up to 1/255 and erases small values (a label mask stored as 0/1 in 16 bits would read as all 0).
/// Transparency is composited on black, as for every other image.
/// </summary>
internal static class Png16Decoder
{
    private static readonly byte[] Signature = [137, 80, 78, 71, 13, 10, 26, 10];
    private static readonly uint[] CrcTable = BuildCrcTable();

    // Adam7 passes: x start, y start, x step, y step.
    private static readonly (int X, int Y, int Dx, int Dy)[] Adam7 =
        [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)];

    /// <summary>True for a PNG whose IHDR declares 16 bits per sample.</summary>
    public static bool Is16BitPng(ReadOnlySpan<byte> data) =>
        data.Length >= 33 && data[..8].SequenceEqual(Signature) && data.Slice(12, 4).SequenceEqual("IHDR"u8) && data[24] == 16;

    /// <summary>Decodes <paramref name="data"/>; errors name <paramref name="source"/>.</summary>
    public static RgbImage Decode(ReadOnlySpan<byte> data, string source)
    {
        int pos = 8;
        int width = 0, height = 0, colorType = -1, interlace = 0;
        ushort[]? key = null;
        using var idat = new MemoryStream();
        bool end = false;
        while (!end)
        {
            if (pos + 12 > data.Length) throw Corrupt(source, "the file ends before the IEND chunk (truncated)");
            uint length = BinaryPrimitives.ReadUInt32BigEndian(data[pos..]);
            if (length > int.MaxValue || pos + 12 + (long)length > data.Length) throw Corrupt(source, "a chunk runs past the end of the file (truncated)");
            var type = data.Slice(pos + 4, 4);
            var body = data.Slice(pos + 8, (int)length);
            uint crc = BinaryPrimitives.ReadUInt32BigEndian(data[(pos + 8 + (int)length)..]);
            if (Crc(data.Slice(pos + 4, 4 + (int)length)) != crc)
                throw Corrupt(source, $"checksum mismatch in the {System.Text.Encoding.ASCII.GetString(type)} chunk");
            pos += 12 + (int)length;

            if (type.SequenceEqual("IHDR"u8))
            {
                if (length != 13) throw Corrupt(source, "IHDR chunk has the wrong length");
                width = BinaryPrimitives.ReadInt32BigEndian(body);
                height = BinaryPrimitives.ReadInt32BigEndian(body[4..]);
                colorType = body[9];
                interlace = body[12];
                ImageLimits.CheckDeclaredSize(BinaryPrimitives.ReadUInt32BigEndian(body), BinaryPrimitives.ReadUInt32BigEndian(body[4..]), source);
                if (colorType is not (0 or 2 or 4 or 6)) throw Corrupt(source, $"colour type {colorType} cannot have 16-bit samples");
                if (body[10] != 0 || body[11] != 0 || interlace > 1) throw Corrupt(source, "unknown compression, filter or interlace method");
            }
            else if (type.SequenceEqual("tRNS"u8))
            {
                if (colorType == 0 && length == 2) key = [BinaryPrimitives.ReadUInt16BigEndian(body)];
                else if (colorType == 2 && length == 6)
                    key = [BinaryPrimitives.ReadUInt16BigEndian(body), BinaryPrimitives.ReadUInt16BigEndian(body[2..]), BinaryPrimitives.ReadUInt16BigEndian(body[4..])];
            }
            else if (type.SequenceEqual("IDAT"u8)) idat.Write(body);
            else if (type.SequenceEqual("IEND"u8)) end = true;
            else if ((type[0] & 0x20) == 0) throw Corrupt(source, $"unknown critical chunk {System.Text.Encoding.ASCII.GetString(type)}");
        }
        if (colorType < 0) throw Corrupt(source, "no IHDR chunk");
        if (idat.Length == 0) throw Corrupt(source, "no image data (IDAT)");

        int channels = colorType switch { 0 => 1, 2 => 3, 4 => 2, _ => 4 };
        int bpp = 2 * channels;
        (int X, int Y, int Dx, int Dy)[] passes = interlace == 0 ? [(0, 0, 1, 1)] : Adam7;
        long rawLength = 0;
        foreach (var (x0, y0, dx, dy) in passes)
        {
            long pw = PassSize(width, x0, dx), ph = PassSize(height, y0, dy);
            if (pw > 0 && ph > 0) rawLength += ph * (1 + pw * bpp);
        }
        var raw = Inflate(idat, rawLength, source);
        var samples = new ushort[3L * width * height];
        int offset = 0;
        foreach (var (x0, y0, dx, dy) in passes)
        {
            int pw = PassSize(width, x0, dx), ph = PassSize(height, y0, dy);
            if (pw == 0 || ph == 0) continue;
            int stride = pw * bpp;
            for (int r = 0; r < ph; r++)
            {
                var row = raw.AsSpan(offset + 1, stride);
                var previous = r == 0 ? Span<byte>.Empty : raw.AsSpan(offset - stride, stride);
                Unfilter(raw[offset], row, previous, bpp, source);
                int y = y0 + r * dy;
                for (int i = 0; i < pw; i++)
                    WritePixel(samples, 3 * (y * width + x0 + i * dx), row.Slice(i * bpp, bpp), colorType, key);
                offset += 1 + stride;
            }
        }
        return new RgbImage(width, height, samples, sourceBitDepth: 16);
    }

    /// <summary>
    /// The <paramref name="length"/> bytes the compressed data must hold. The buffer grows with the bytes actually
    /// decompressed, so a small file that declares a large image fails as truncated without allocating for the declared size.
    /// </summary>
    private static byte[] Inflate(MemoryStream idat, long length, string source)
    {
        idat.Position = 0;
        var raw = new MemoryStream((int)Math.Min(length, 1 << 20));
        try
        {
            using var z = new ZLibStream(idat, CompressionMode.Decompress);
            var chunk = new byte[1 << 16];
            while (raw.Length < length)
            {
                int n = z.Read(chunk, 0, (int)Math.Min(chunk.Length, length - raw.Length));
                if (n == 0) throw Corrupt(source, "the compressed image data ends early (truncated)");
                raw.Write(chunk, 0, n);
            }
        }
        catch (InvalidDataException e)
        {
            throw Corrupt(source, "the compressed image data is damaged", e);
        }
        return raw.GetBuffer(); // at least length bytes; the rows are read by offset
    }

    private static int PassSize(int size, int start, int step) => size > start ? (size - start + step - 1) / step : 0;

    private static void Unfilter(byte filter, Span<byte> row, ReadOnlySpan<byte> previous, int bpp, string source)
    {
        bool hasUp = !previous.IsEmpty;
        switch (filter)
        {
            case 0:
                break;
            case 1:
                for (int i = bpp; i < row.Length; i++) row[i] += row[i - bpp];
                break;
            case 2:
                if (hasUp) for (int i = 0; i < row.Length; i++) row[i] += previous[i];
                break;
            case 3:
                for (int i = 0; i < row.Length; i++)
                {
                    int left = i >= bpp ? row[i - bpp] : 0, up = hasUp ? previous[i] : 0;
                    row[i] += (byte)((left + up) >> 1);
                }
                break;
            case 4:
                for (int i = 0; i < row.Length; i++)
                {
                    int a = i >= bpp ? row[i - bpp] : 0, b = hasUp ? previous[i] : 0, c = i >= bpp && hasUp ? previous[i - bpp] : 0;
                    row[i] += (byte)Paeth(a, b, c);
                }
                break;
            default:
                throw Corrupt(source, $"unknown row filter {filter}");
        }
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    private static void WritePixel(ushort[] samples, int at, ReadOnlySpan<byte> px, int colorType, ushort[]? key)
    {
        static ushort S(ReadOnlySpan<byte> px, int i) => BinaryPrimitives.ReadUInt16BigEndian(px[(2 * i)..]);
        ushort r, g, b;
        int alpha = 65535;
        switch (colorType)
        {
            case 0:
                r = g = b = S(px, 0);
                if (key != null && r == key[0]) alpha = 0;
                break;
            case 4:
                r = g = b = S(px, 0);
                alpha = S(px, 1);
                break;
            case 2:
                r = S(px, 0); g = S(px, 1); b = S(px, 2);
                if (key != null && r == key[0] && g == key[1] && b == key[2]) alpha = 0;
                break;
            default:
                r = S(px, 0); g = S(px, 1); b = S(px, 2);
                alpha = S(px, 3);
                break;
        }
        samples[at] = OnBlack(r, alpha);
        samples[at + 1] = OnBlack(g, alpha);
        samples[at + 2] = OnBlack(b, alpha);
    }

    private static ushort OnBlack(ushort value, int alpha) =>
        alpha == 65535 ? value : (ushort)(((long)value * alpha + 32767) / 65535);

    private static ImageInputException Corrupt(string source, string what, Exception? inner = null) =>
        new(source, $"corrupt 16-bit PNG: {what}. Re-export the image, or check that the file was copied completely.", inner);

    private static uint Crc(ReadOnlySpan<byte> bytes)
    {
        uint c = 0xFFFFFFFFu;
        foreach (var b in bytes) c = CrcTable[(c ^ b) & 0xFF] ^ (c >> 8);
        return c ^ 0xFFFFFFFFu;
    }

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }
}
