using Microsoft.ML.Data;
using SkiaSharp;

namespace DaClip.MLNet.Imaging;

/// <summary>
/// Decodes image files, encoded bytes and ML.NET <see cref="MLImage"/>s into <see cref="RgbImage"/>: the single entry
/// point for pixels in training, the ML.NET transformer and the batch scorer.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Formats: whatever SkiaSharp decodes (PNG, JPEG, BMP, GIF (first frame), WebP, ICO, WBMP); 16-bit PNG through
/// this library's own decoder at full 16-bit precision; TIFF (first page, any compression LibTiff.Net reads) through
/// LibTiff.Net at 8 bits per sample. DICOM is not supported (convert to PNG; 16-bit PNG keeps 16-bit data).</item>
/// <item>Every decoder checks the size a file declares against <see cref="ImageLimits.MaxPixels"/> before it allocates
/// for the pixels.</item>
/// <item>Grey and palette images become R = G = B / the palette colours.</item>
/// <item>Transparency is composited on black (colour times alpha), the same result as ML.NET's <see cref="MLImage"/>,
/// which stores premultiplied colour.</item>
/// <item>No colour management (embedded ICC profiles are not applied) and no EXIF rotation: pixels are taken as stored,
/// as PIL and ML.NET do by default, so that masks stay aligned with their images.</item>
/// </list>
/// </remarks>
public static class ImageDecoder
{
    /// <summary>Reads and decodes the file at <paramref name="path"/>.</summary>
    /// <exception cref="ImageInputException">Missing, empty, unreadable, unsupported or corrupt file.</exception>
    public static RgbImage Decode(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ImageInputException(path, $"file not found (full path '{Path.GetFullPath(path)}'). Check the path and the working directory.", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ImageInputException(path, $"the file cannot be read ({e.Message}). Check its permissions and that no other process locks it.", e);
        }
        return Decode(bytes, path);
    }

    /// <summary>Decodes encoded image bytes; <paramref name="source"/> names them in errors (e.g. a path or URL).</summary>
    /// <exception cref="ImageInputException">Empty, unsupported or corrupt data.</exception>
    public static RgbImage Decode(ReadOnlySpan<byte> encoded, string source = "<image bytes>")
    {
        if (encoded.IsEmpty) throw new ImageInputException(source, "the image is empty (0 bytes). Re-export or re-download it.");
        if (Png16Decoder.Is16BitPng(encoded)) return Png16Decoder.Decode(encoded, source);
        if (TiffDecoder.IsTiff(encoded)) return TiffDecoder.Decode(encoded, source);
        if (NamedUnsupportedFormat(encoded) is { } format)
            throw new ImageInputException(source, $"{format} images are not supported (SkiaSharp cannot decode them). Convert to PNG; a 16-bit PNG keeps 16-bit data.");

        using var data = SKData.CreateCopy(encoded);
        using var stream = new SKMemoryStream(data);
        using var codec = SKCodec.Create(stream, out var created);
        if (codec == null)
        {
            throw new ImageInputException(source, created == SKCodecResult.Unimplemented
                ? "not a recognised image format (expected PNG, JPEG, BMP, GIF, WebP, ICO or TIFF). Check that the file really is an image."
                : $"the image data is corrupt or truncated (decoder: {created}). Re-export the image, or check that the file was copied completely.");
        }
        ImageLimits.CheckDeclaredSize(codec.Info.Width, codec.Info.Height, source);
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var bitmap = new SKBitmap(info);
        var result = codec.GetPixels(info, bitmap.GetPixels());
        if (result != SKCodecResult.Success)
            throw new ImageInputException(source, $"the image data is corrupt or truncated (decoder: {result}). Re-export the image, or check that the file was copied completely.");
        return FromRgba(bitmap.GetPixelSpan(), info.Width, info.Height, info.RowBytes, rgbaOrder: true, premultiplied: false);
    }

    /// <summary>
    /// Converts an ML.NET image (<see cref="MLPixelFormat.Bgra32"/> or <see cref="MLPixelFormat.Rgba32"/>). The colour
    /// channels are taken as stored and alpha is ignored: an <see cref="MLImage"/> loaded from a file holds premultiplied
    /// colour, which is exactly the on-black composite <see cref="Decode(string)"/> produces.
    /// </summary>
    /// <exception cref="ImageInputException">Disposed image or unknown pixel format.</exception>
    public static RgbImage FromMLImage(MLImage image, string source = "<MLImage>")
    {
        ArgumentNullException.ThrowIfNull(image);
        MLPixelFormat format;
        int width, height;
        ReadOnlySpan<byte> pixels;
        try
        {
            format = image.PixelFormat;
            width = image.Width;
            height = image.Height;
            pixels = image.Pixels;
        }
        catch (InvalidOperationException e)
        {
            throw new ImageInputException(source, "the MLImage has been disposed. Keep it alive until it is scored.", e);
        }
        if (format is not (MLPixelFormat.Bgra32 or MLPixelFormat.Rgba32))
            throw new ImageInputException(source, $"unsupported MLImage pixel format {format}; expected Bgra32 or Rgba32.");
        if (pixels.Length != 4L * width * height)
            throw new ImageInputException(source, $"the MLImage holds {pixels.Length} bytes for {width} x {height} pixels; expected {4L * width * height}.");
        return FromRgba(pixels, width, height, 4 * width, rgbaOrder: format == MLPixelFormat.Rgba32, premultiplied: true);
    }

    private static RgbImage FromRgba(ReadOnlySpan<byte> pixels, int width, int height, int rowBytes, bool rgbaOrder, bool premultiplied)
    {
        var samples = new ushort[3L * width * height];
        int r = rgbaOrder ? 0 : 2, b = rgbaOrder ? 2 : 0;
        for (int y = 0; y < height; y++)
        {
            var row = pixels.Slice(y * rowBytes, 4 * width);
            int o = 3 * y * width;
            for (int x = 0; x < width; x++, o += 3)
            {
                var px = row.Slice(4 * x, 4);
                int a = premultiplied ? 255 : px[3];
                samples[o] = OnBlack(px[r], a);
                samples[o + 1] = OnBlack(px[1], a);
                samples[o + 2] = OnBlack(px[b], a);
            }
        }
        return new RgbImage(width, height, samples);
    }

    // 8-bit colour c with alpha a, composited on black, on the 16-bit scale: round(65535 * (c / 255) * (a / 255)).
    private static ushort OnBlack(byte c, int a) => a == 255 ? (ushort)(c * 257) : (ushort)((c * a * 257 + 127) / 255);

    private static string? NamedUnsupportedFormat(ReadOnlySpan<byte> data)
    {
        if (data.Length >= 132 && data.Slice(128, 4).SequenceEqual("DICM"u8)) return "DICOM";
        return null;
    }
}
