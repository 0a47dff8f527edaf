using System.Runtime.InteropServices;
using DaClip.MLNet.Imaging;
using SkiaSharp;

namespace DaClip.MLNet.Reporting;

/// <summary>PNG encoding of opaque 8-bit pixels through SkiaSharp (deterministic for a given SkiaSharp build).</summary>
internal static class PngImage
{
    /// <summary>Encodes an image's samples rounded to 8 bits.</summary>
    public static byte[] Encode(RgbImage image)
    {
        var samples = image.Samples;
        var rgba = new byte[4L * image.Width * image.Height];
        for (int p = 0, s = 0; s < samples.Length; p += 4, s += 3)
        {
            rgba[p] = To8Bit(samples[s]);
            rgba[p + 1] = To8Bit(samples[s + 1]);
            rgba[p + 2] = To8Bit(samples[s + 2]);
            rgba[p + 3] = 255;
        }
        return EncodeRgba(rgba, image.Width, image.Height);
    }

    /// <summary>Encodes opaque RGBA bytes (alpha ignored), row-major, 4 * width per row.</summary>
    public static byte[] EncodeRgba(byte[] rgba, int width, int height)
    {
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using var bitmap = new SKBitmap(info);
        Marshal.Copy(rgba, 0, bitmap.GetPixels(), rgba.Length);
        return Encode(bitmap);
    }

    /// <summary>Encodes a bitmap.</summary>
    public static byte[] Encode(SKBitmap bitmap)
    {
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100)
            ?? throw new DaClipException($"SkiaSharp could not encode a {bitmap.Width} x {bitmap.Height} PNG; check that the SkiaSharp native library (libSkiaSharp) matches the managed SkiaSharp 2.88 package.");
        return data.ToArray();
    }

    /// <summary>A 16-bit-scale sample (v * 257 for 8-bit v) rounded to 8 bits.</summary>
    public static byte To8Bit(ushort sample) => (byte)((sample + 128) / 257);
}
