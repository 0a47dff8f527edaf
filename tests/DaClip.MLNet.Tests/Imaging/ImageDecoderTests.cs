using System.Runtime.InteropServices;
using DaClip.MLNet.Imaging;
using Microsoft.ML.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using SkiaSharp;

namespace DaClip.MLNet.Tests.Imaging;

[TestClass]
public class ImageDecoderTests
{
    private static readonly int[] Values16 = [0, 1, 127, 128, 255, 256, 257, 4095, 32767, 32768, 65280, 65534, 65535, 12345, 54321];

    /// <summary>CHW planes at identity size (no resampling).</summary>
    private static float[] Identity(RgbImage image)
    {
        Assert.AreEqual(image.Width, image.Height, "identity tests use square images");
        return new ImagePreprocessor(image.Width).Process(image);
    }

    [TestMethod]
    [DataRow(false, false)]
    [DataRow(true, false)]
    [DataRow(false, true)]
    public void Grey16BitPngKeepsFullPrecision(bool interlaced, bool cycleFilters)
    {
        const int s = 5;
        var samples = Enumerable.Range(0, s * s).Select(i => i < Values16.Length ? Values16[i] : (i * 2731) % 65536).ToArray();
        var image = ImageDecoder.Decode(TestImageFiles.Png(s, s, 0, 16, samples, interlaced, cycleFilters));
        Assert.AreEqual(16, image.SourceBitDepth);
        var chw = Identity(image);
        for (int i = 0; i < s * s; i++)
            for (int c = 0; c < 3; c++)
                Assert.AreEqual(samples[i] / 65535f, chw[c * s * s + i], $"pixel {i} channel {c}");
    }

    [TestMethod]
    public void Rgb16BitInterlacedOddSizeEqualsPlainWithAllFilters()
    {
        const int w = 11, h = 7;
        var rng = new Random(3);
        var samples = Enumerable.Range(0, w * h * 3).Select(_ => rng.Next(65536)).ToArray();
        var plain = ImageDecoder.Decode(TestImageFiles.Png(w, h, 2, 16, samples, cycleFilters: true));
        var interlaced = ImageDecoder.Decode(TestImageFiles.Png(w, h, 2, 16, samples, interlaced: true, cycleFilters: true));
        CollectionAssert.AreEqual(samples.Select(v => (ushort)v).ToArray(), plain.Samples.ToArray());
        CollectionAssert.AreEqual(plain.Samples.ToArray(), interlaced.Samples.ToArray());
    }

    [TestMethod]
    public void Rgba16BitIsCompositedOnBlack()
    {
        int[] px = [65535, 32768, 1000, 65535, /**/ 65535, 65535, 65535, 0, /**/ 40000, 20000, 10000, 32768, /**/ 7, 8, 9, 1];
        var image = ImageDecoder.Decode(TestImageFiles.Png(2, 2, 6, 16, px));
        var chw = Identity(image);
        for (int i = 0; i < 4; i++)
            for (int c = 0; c < 3; c++)
            {
                double expected = px[4 * i + c] / 65535.0 * (px[4 * i + 3] / 65535.0);
                Assert.AreEqual(expected, chw[c * 4 + i], 0.5 / 65535 + 1e-7, $"pixel {i} channel {c}");
            }
    }

    [TestMethod]
    public void Grey16BitColourKeyIsTransparentBlack()
    {
        var image = ImageDecoder.Decode(TestImageFiles.Png(2, 1, 0, 16, [500, 600], trns: [0x01, 0xF4]));
        CollectionAssert.AreEqual(new ushort[] { 0, 0, 0, 600, 600, 600 }, image.Samples.ToArray());
    }

    [TestMethod]
    public void Grey8BitPngFromSkiaDecodesExactly()
    {
        const int s = 4;
        using var bitmap = new SKBitmap(new SKImageInfo(s, s, SKColorType.Gray8, SKAlphaType.Opaque));
        var values = Enumerable.Range(0, s * s).Select(i => (byte)(i * 17)).ToArray();
        Marshal.Copy(values, 0, bitmap.GetPixels(), values.Length);
        using var png = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        var chw = Identity(ImageDecoder.Decode(png.ToArray()));
        for (int i = 0; i < s * s; i++)
            for (int c = 0; c < 3; c++)
                Assert.AreEqual(values[i] / 255f, chw[c * s * s + i], $"pixel {i} channel {c}");
    }

    [TestMethod]
    public void Rgba8BitPngIsCompositedOnBlackLikeMLImage()
    {
        byte[] rgba = [200, 100, 50, 128, /**/ 255, 255, 255, 0, /**/ 10, 20, 30, 255, /**/ 90, 180, 240, 64];
        using var bitmap = new SKBitmap(new SKImageInfo(2, 2, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        Marshal.Copy(rgba, 0, bitmap.GetPixels(), rgba.Length);
        using var png = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        var dir = Directory.CreateTempSubdirectory("daclip-img-");
        try
        {
            var path = Path.Combine(dir.FullName, "rgba.png");
            File.WriteAllBytes(path, png.ToArray());
            var chw = Identity(ImageDecoder.Decode(path));
            using var ml = MLImage.CreateFromFile(path);
            var fromMl = Identity(ImageDecoder.FromMLImage(ml));
            for (int i = 0; i < 4; i++)
                for (int c = 0; c < 3; c++)
                {
                    double expected = rgba[4 * i + c] / 255.0 * (rgba[4 * i + 3] / 255.0);
                    Assert.AreEqual(expected, chw[c * 4 + i], 0.5 / 65535 + 1e-7, $"file pixel {i} channel {c}");
                    Assert.AreEqual(expected, fromMl[c * 4 + i], 0.5 / 255 + 1e-7, $"MLImage pixel {i} channel {c} (premultiplied to 8 bits)");
                }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [TestMethod]
    public void PalettePngDecodesToPaletteColours()
    {
        byte[] palette = [10, 20, 30, 40, 50, 60, 250, 251, 252];
        var image = ImageDecoder.Decode(TestImageFiles.Png(2, 2, 3, 8, [0, 1, 2, 1], palette: palette));
        CollectionAssert.AreEqual(new[] { 10, 20, 30, 40, 50, 60, 250, 251, 252, 40, 50, 60 }.Select(v => (ushort)(v * 257)).ToArray(), image.Samples.ToArray());
    }

    [TestMethod]
    public void Bmp24DecodesExactly()
    {
        byte[] rgb = [1, 2, 3, 250, 128, 0, 7, 77, 177, 255, 255, 255, 0, 0, 0, 90, 91, 92];
        var image = ImageDecoder.Decode(TestImageFiles.Bmp24(3, 2, rgb));
        Assert.AreEqual(3, image.Width);
        Assert.AreEqual(2, image.Height);
        CollectionAssert.AreEqual(rgb.Select(v => (ushort)(v * 257)).ToArray(), image.Samples.ToArray());
    }

    [TestMethod]
    public void JpegOfConstantColourDecodesCloseToIt()
    {
        using var bitmap = new SKBitmap(new SKImageInfo(16, 16, SKColorType.Rgba8888, SKAlphaType.Opaque));
        bitmap.Erase(new SKColor(200, 120, 40));
        using var jpeg = bitmap.Encode(SKEncodedImageFormat.Jpeg, 100);
        var image = ImageDecoder.Decode(jpeg.ToArray(), "constant.jpg");
        float[] expected = [200 / 255f, 120 / 255f, 40 / 255f];
        for (int i = 0; i < 16 * 16; i++)
            for (int c = 0; c < 3; c++)
                Assert.AreEqual(expected[c], image[i % 16, i / 16, c], 3 / 255f, $"pixel {i} channel {c}");
    }

    [TestMethod]
    public void MLImageBgraAndRgbaGiveTheSameImage()
    {
        byte[] rgba = [10, 20, 30, 255, 40, 50, 60, 255, 70, 80, 90, 255, 100, 110, 120, 255];
        byte[] bgra = [30, 20, 10, 255, 60, 50, 40, 255, 90, 80, 70, 255, 120, 110, 100, 255];
        using var a = MLImage.CreateFromPixels(2, 2, MLPixelFormat.Rgba32, rgba);
        using var b = MLImage.CreateFromPixels(2, 2, MLPixelFormat.Bgra32, bgra);
        var expected = new[] { 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120 }.Select(v => (ushort)(v * 257)).ToArray();
        CollectionAssert.AreEqual(expected, ImageDecoder.FromMLImage(a).Samples.ToArray());
        CollectionAssert.AreEqual(expected, ImageDecoder.FromMLImage(b).Samples.ToArray());
    }

    [TestMethod]
    public void DisposedMLImageIsATypedError()
    {
        var image = MLImage.CreateFromPixels(1, 1, MLPixelFormat.Rgba32, [1, 2, 3, 255]);
        image.Dispose();
        Assert.ThrowsExactly<ImageInputException>(() => ImageDecoder.FromMLImage(image, "row 7"));
    }

    [TestMethod]
    public void BadFilesAreTypedErrorsNamingTheFile()
    {
        var dir = Directory.CreateTempSubdirectory("daclip-img-");
        try
        {
            var png16 = TestImageFiles.Png(4, 4, 0, 16, Enumerable.Range(0, 16).Select(i => i * 4000).ToArray());
            using var bitmap = new SKBitmap(new SKImageInfo(32, 32, SKColorType.Rgba8888, SKAlphaType.Opaque));
            using var jpeg = bitmap.Encode(SKEncodedImageFormat.Jpeg, 90);
            var cases = new (string Name, byte[]? Bytes, string Expect)[]
            {
                ("missing.png", null, "file not found"),
                ("empty.png", [], "empty (0 bytes)"),
                ("garbage.png", "this is not an image at all"u8.ToArray(), "not a recognised image format"),
                ("scan.tif", [0x49, 0x49, 0x2A, 0x00, 8, 0, 0, 0, 0, 0], "TIFF"),
                ("cut16.png", png16[..(png16.Length - 30)], "truncated"),
                ("badcrc16.png", Flip(png16, 40), "checksum"),
                ("cut.jpg", jpeg.ToArray()[..200], "corrupt or truncated"),
            };
            foreach (var (name, bytes, expect) in cases)
            {
                var path = Path.Combine(dir.FullName, name);
                if (bytes != null) File.WriteAllBytes(path, bytes);
                var e = Assert.ThrowsExactly<ImageInputException>(() => ImageDecoder.Decode(path), name);
                Assert.AreEqual(path, e.Input, name);
                StringAssert.Contains(e.Message, expect, name);
                StringAssert.StartsWith(e.Message, path, name);
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static byte[] Flip(byte[] bytes, int at)
    {
        var copy = bytes.ToArray();
        copy[at] ^= 0x5A;
        return copy;
    }
}
