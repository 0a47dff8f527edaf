using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace DaClip.MLNet.Tests.Imaging;

/// <summary>Hand-written encoders for test images (PNG of any colour type and depth, optionally interlaced and with each row filter; 24-bit BMP).</summary>
internal static class TestImageFiles
{
    /// <summary>
    /// A PNG with <paramref name="channels"/> samples per pixel (<paramref name="samples"/> row-major, values fitting
    /// <paramref name="depth"/> = 8 or 16). Rows are filtered with filter (row index % 5) when <paramref name="cycleFilters"/>.
    /// </summary>
    public static byte[] Png(int width, int height, int colorType, int depth, int[] samples, bool interlaced = false,
        bool cycleFilters = false, byte[]? palette = null, byte[]? trns = null)
    {
        int channels = colorType switch { 0 => 1, 2 => 3, 3 => 1, 4 => 2, _ => 4 };
        int bpp = channels * depth / 8;
        var raw = new MemoryStream();
        (int X, int Y, int Dx, int Dy)[] passes = interlaced
            ? [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
            : [(0, 0, 1, 1)];
        int rowIndex = 0;
        foreach (var (x0, y0, dx, dy) in passes)
        {
            byte[]? previous = null;
            for (int y = y0; y < height; y += dy)
            {
                var line = new List<byte>();
                for (int x = x0; x < width; x += dx)
                    for (int c = 0; c < channels; c++)
                    {
                        int v = samples[(y * width + x) * channels + c];
                        if (depth == 16) { line.Add((byte)(v >> 8)); line.Add((byte)v); }
                        else line.Add((byte)v);
                    }
                if (line.Count == 0) continue;
                var row = line.ToArray();
                int filter = cycleFilters ? rowIndex++ % 5 : 0;
                raw.WriteByte((byte)filter);
                raw.Write(Filter(filter, row, previous, bpp));
                previous = row;
            }
        }
        var png = new MemoryStream();
        png.Write([137, 80, 78, 71, 13, 10, 26, 10]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = (byte)depth;
        ihdr[9] = (byte)colorType;
        ihdr[12] = (byte)(interlaced ? 1 : 0);
        Chunk(png, "IHDR", ihdr);
        if (palette != null) Chunk(png, "PLTE", palette);
        if (trns != null) Chunk(png, "tRNS", trns);
        var z = new MemoryStream();
        using (var zs = new ZLibStream(z, CompressionLevel.Optimal, leaveOpen: true)) zs.Write(raw.ToArray());
        Chunk(png, "IDAT", z.ToArray());
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary>A bottom-up 24-bit BMP of interleaved RGB bytes.</summary>
    public static byte[] Bmp24(int width, int height, byte[] rgb)
    {
        int stride = (3 * width + 3) / 4 * 4;
        var bmp = new byte[54 + stride * height];
        bmp[0] = (byte)'B';
        bmp[1] = (byte)'M';
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(2), bmp.Length);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(10), 54);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(18), width);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(22), height);
        BinaryPrimitives.WriteInt16LittleEndian(bmp.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(bmp.AsSpan(28), 24);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(34), stride * height);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                int s = 3 * (y * width + x), d = 54 + (height - 1 - y) * stride + 3 * x;
                bmp[d] = rgb[s + 2];
                bmp[d + 1] = rgb[s + 1];
                bmp[d + 2] = rgb[s];
            }
        return bmp;
    }

    private static byte[] Filter(int filter, byte[] row, byte[]? previous, int bpp)
    {
        var result = new byte[row.Length];
        for (int i = 0; i < row.Length; i++)
        {
            int a = i >= bpp ? row[i - bpp] : 0, b = previous?[i] ?? 0, c = i >= bpp && previous != null ? previous[i - bpp] : 0;
            int predictor = filter switch
            {
                0 => 0,
                1 => a,
                2 => b,
                3 => (a + b) / 2,
                _ => PaethPredictor(a, b, c),
            };
            result[i] = (byte)(row[i] - predictor);
        }
        return result;
    }

    private static int PaethPredictor(int a, int b, int c)
    {
        int p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        if (pa <= pb && pa <= pc) return a;
        return pb <= pc ? b : c;
    }

    private static void Chunk(Stream s, string type, byte[] data)
    {
        var be = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(be, data.Length);
        s.Write(be);
        var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        s.Write(typed);
        BinaryPrimitives.WriteUInt32BigEndian(be, Crc32(typed));
        s.Write(be);
    }

    private static uint Crc32(byte[] bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xEDB88320u & (uint)-(int)(crc & 1));
        }
        return ~crc;
    }
}
