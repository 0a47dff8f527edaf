using System.Runtime.InteropServices;
using SkiaSharp;

namespace DaClip.MLNet.Training.Synthetic;

/// <summary>
/// Lossless PNG encoding of 8-bit RGB images (colour type 2) and single-channel masks (colour type 0) through
/// SkiaSharp, at zlib level 1: sensor noise makes the images nearly incompressible, and level 1 encodes about five
/// times faster than the default level 6 for files about 1.5 % larger.
/// </summary>
internal static class PngEncoder
{
    private static readonly SKPngEncoderOptions Options = new(SKPngEncoderFilterFlags.AllFilters, 1);

    public static byte[] EncodeRgb(ReadOnlySpan<byte> rgb, int width, int height)
    {
        var rgba = new byte[4 * width * height];
        for (int i = 0, j = 0; i < rgb.Length; i += 3, j += 4)
        {
            rgba[j] = rgb[i];
            rgba[j + 1] = rgb[i + 1];
            rgba[j + 2] = rgb[i + 2];
            rgba[j + 3] = 255;
        }
        return Encode(rgba, new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque), 4 * width);
    }

    public static byte[] EncodeGray(ReadOnlySpan<byte> gray, int width, int height) =>
        Encode(gray.ToArray(), new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque), width);

    private static byte[] Encode(byte[] pixels, SKImageInfo info, int rowBytes)
    {
        using var bitmap = new SKBitmap(info);
        var destination = bitmap.GetPixels();
        for (var row = 0; row < info.Height; row++)
            Marshal.Copy(pixels, row * rowBytes, destination + row * bitmap.RowBytes, rowBytes);
        using var pixmap = bitmap.PeekPixels();
        using var data = pixmap.Encode(Options)
            ?? throw new DaClipException($"SkiaSharp could not encode a {info.Width}x{info.Height} {info.ColorType} image as PNG; check that the SkiaSharp native library for this platform is installed.");
        return data.ToArray();
    }
}
