using System.Buffers.Binary;
using SkiaSharp;

namespace DaClip.MLNet.Tests.Data;

/// <summary>Tiny but valid image files for dataset replicas: PNG and JPEG through SkiaSharp, BMP and baseline TIFF written by hand.</summary>
public static class TinyImages
{
    /// <summary>Encodes a <paramref name="size"/>² grey image with a white square in the middle when <paramref name="mark"/> is set, in the format its extension names.</summary>
    public static byte[] For(string path, byte grey, bool mark = false, int size = 8)
    {
        var pixels = new byte[size * size];
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
                pixels[y * size + x] = mark && x >= size / 4 && x < 3 * size / 4 && y >= size / 4 && y < 3 * size / 4 ? (byte)255 : grey;
        return Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".png" => Skia(pixels, size, SKEncodedImageFormat.Png),
            ".jpg" or ".jpeg" => Skia(pixels, size, SKEncodedImageFormat.Jpeg),
            ".bmp" => Bmp(pixels, size),
            ".tif" or ".tiff" => Tiff(pixels, size),
            var other => throw new ArgumentException($"No tiny image writer for '{other}'.", nameof(path)),
        };
    }

    private static byte[] Skia(byte[] grey, int size, SKEncodedImageFormat format)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(size, size, SKColorType.Rgba8888, SKAlphaType.Opaque));
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
            {
                byte g = grey[y * size + x];
                bitmap.SetPixel(x, y, new SKColor(g, g, g));
            }
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, 90);
        return data.ToArray();
    }

    /// <summary>24-bit uncompressed BMP (BITMAPINFOHEADER, bottom-up rows padded to 4 bytes).</summary>
    private static byte[] Bmp(byte[] grey, int size)
    {
        int rowBytes = (size * 3 + 3) & ~3;
        int imageBytes = rowBytes * size;
        var file = new byte[54 + imageBytes];
        file[0] = (byte)'B';
        file[1] = (byte)'M';
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(2), file.Length);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(10), 54);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(18), size);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(22), size);
        BinaryPrimitives.WriteInt16LittleEndian(file.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(file.AsSpan(28), 24);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(34), imageBytes);
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
            {
                int at = 54 + (size - 1 - y) * rowBytes + x * 3;
                file[at] = file[at + 1] = file[at + 2] = grey[y * size + x];
            }
        return file;
    }

    /// <summary>Baseline little-endian TIFF: 8-bit grey, uncompressed, one strip.</summary>
    private static byte[] Tiff(byte[] grey, int size) => TiffFile(
        [
            (256, 3, (uint)size), (257, 3, (uint)size), (258, 3, 8), (259, 3, 1), (262, 3, 1),
            (273, 4, 0), (277, 3, 1), (278, 3, (uint)size), (279, 4, (uint)(size * size)),
        ], grey);

    /// <summary>
    /// A little-endian TIFF file: one image directory with <paramref name="entries"/> (each one value; tag 273, the strip
    /// offset, is filled in) followed by <paramref name="strip"/>.
    /// </summary>
    internal static byte[] TiffFile((ushort Tag, ushort Type, uint Value)[] entries, byte[] strip)
    {
        int dataOffset = 8 + 2 + entries.Length * 12 + 4;
        var file = new byte[dataOffset + strip.Length];
        file[0] = file[1] = (byte)'I';
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(2), 42);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(4), 8);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(8), (ushort)entries.Length);
        for (int i = 0; i < entries.Length; i++)
        {
            var at = file.AsSpan(10 + i * 12);
            var (tag, type, value) = entries[i];
            BinaryPrimitives.WriteUInt16LittleEndian(at, tag);
            BinaryPrimitives.WriteUInt16LittleEndian(at[2..], type);
            BinaryPrimitives.WriteUInt32LittleEndian(at[4..], 1);
            var v = tag == 273 ? (uint)dataOffset : value;
            if (type == 3) BinaryPrimitives.WriteUInt16LittleEndian(at[8..], (ushort)v);
            else BinaryPrimitives.WriteUInt32LittleEndian(at[8..], v);
        }
        strip.CopyTo(file, dataOffset);
        return file;
    }
}
