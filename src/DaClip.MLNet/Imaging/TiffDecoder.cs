using BitMiracle.LibTiff.Classic;

namespace DaClip.MLNet.Imaging;

/// <summary>
/// Decoder for TIFF (CVC-ClinicDB's original release, microscopy and medical exports) through LibTiff.Net: the first
/// page, any photometric interpretation and compression LibTiff.Net's RGBA interface reads (grey, palette, RGB, YCbCr,
/// CMYK; none, LZW, Deflate, PackBits, JPEG), at 8 bits per sample (16-bit samples keep their high byte). Transparency
/// is composited on black, as for every other image. The declared size is checked against
/// <see cref="ImageLimits.MaxPixels"/> before the pixels are allocated.
/// </summary>
internal static class TiffDecoder
{
    [ThreadStatic] private static string? _lastError;

    static TiffDecoder() => Tiff.SetErrorHandler(new CapturingHandler());

    /// <summary>True for data that starts with a TIFF or BigTIFF signature (little- or big-endian).</summary>
    public static bool IsTiff(ReadOnlySpan<byte> data) =>
        data.Length >= 4 && (data[..4].SequenceEqual("II*\0"u8) || data[..4].SequenceEqual("MM\0*"u8) || data[..4].SequenceEqual("II+\0"u8) || data[..4].SequenceEqual("MM\0+"u8));

    /// <summary>Decodes the first page of <paramref name="data"/>; errors name <paramref name="source"/>.</summary>
    public static RgbImage Decode(ReadOnlySpan<byte> data, string source)
    {
        _lastError = null;
        using var stream = new MemoryStream(data.ToArray(), writable: false);
        Tiff? tiff;
        try
        {
            tiff = Tiff.ClientOpen(source, "r", stream, new TiffStream());
        }
        catch (Exception e) when (e is IOException or ArgumentException or InvalidOperationException or IndexOutOfRangeException or OverflowException)
        {
            throw Corrupt(source, e.Message, e);
        }
        if (tiff is null) throw Corrupt(source, _lastError ?? "the header cannot be read");
        using (tiff)
        {
            var widthField = tiff.GetField(TiffTag.IMAGEWIDTH);
            var heightField = tiff.GetField(TiffTag.IMAGELENGTH);
            if (widthField is null || heightField is null) throw Corrupt(source, "the image width or height tag is missing");
            long width = (uint)widthField[0].ToInt(), height = (uint)heightField[0].ToInt();
            ImageLimits.CheckDeclaredSize(width, height, source);
            int w = (int)width, h = (int)height;
            var raster = new int[w * h];
            bool read;
            try
            {
                read = tiff.ReadRGBAImageOriented(w, h, raster, Orientation.TOPLEFT);
            }
            catch (Exception e) when (e is IOException or ArgumentException or InvalidOperationException or IndexOutOfRangeException or OverflowException or NullReferenceException)
            {
                throw Corrupt(source, e.Message, e);
            }
            if (!read) throw Corrupt(source, _lastError ?? "the pixel data cannot be read");

            // LibTiff's RGBA interface returns colour multiplied by alpha, which is the composite on black.
            var samples = new ushort[3L * w * h];
            for (int i = 0, o = 0; i < raster.Length; i++, o += 3)
            {
                int px = raster[i];
                samples[o] = (ushort)(Tiff.GetR(px) * 257);
                samples[o + 1] = (ushort)(Tiff.GetG(px) * 257);
                samples[o + 2] = (ushort)(Tiff.GetB(px) * 257);
            }
            return new RgbImage(w, h, samples);
        }
    }

    private static ImageInputException Corrupt(string source, string what, Exception? inner = null) =>
        new(source, $"the TIFF image cannot be decoded ({what}). Re-export the image (PNG keeps 16-bit data), or check that the file was copied completely.", inner);

    /// <summary>Keeps LibTiff.Net's messages off the console; the last error goes into the exception.</summary>
    private sealed class CapturingHandler : TiffErrorHandler
    {
        public override void ErrorHandler(Tiff tif, string method, string format, params object[] args) =>
            _lastError = args.Length == 0 ? format : string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args);

        public override void ErrorHandlerExt(Tiff tif, object clientData, string method, string format, params object[] args) => ErrorHandler(tif, method, format, args);

        public override void WarningHandler(Tiff tif, string method, string format, params object[] args) { }

        public override void WarningHandlerExt(Tiff tif, object clientData, string method, string format, params object[] args) { }
    }
}
