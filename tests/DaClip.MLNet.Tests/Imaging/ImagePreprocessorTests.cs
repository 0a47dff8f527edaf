using DaClip.MLNet.Imaging;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Imaging;

[TestClass]
public class ImagePreprocessorTests
{
    private static RgbImage Image(int w, int h, Func<int, int, int, int> sample16)
    {
        var samples = new ushort[3 * w * h];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                for (int c = 0; c < 3; c++)
                    samples[3 * (y * w + x) + c] = (ushort)sample16(x, y, c);
        return new RgbImage(w, h, samples, 16);
    }

    [TestMethod]
    [DataRow(37, 23, 16, ImageFit.Stretch)]
    [DataRow(5, 9, 24, ImageFit.Stretch)]
    [DataRow(37, 23, 16, ImageFit.Crop)]
    [DataRow(40, 10, 16, ImageFit.Pad)]
    public void ConstantImageStaysConstant(int w, int h, int size, ImageFit fit)
    {
        int[] value = [19661, 39321, 58982];
        var chw = new ImagePreprocessor(size, fit).Process(Image(w, h, (_, _, c) => value[c]));
        var (fx, fy) = (fit == ImageFit.Pad) ? (size, (int)Math.Round(h * (double)size / w)) : (size, size);
        int top = (size - fy) / 2;
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < size; y++)
                for (int x = 0; x < size; x++)
                {
                    bool inside = y >= top && y < top + fy && x < fx;
                    float expected = inside ? value[c] / 65535f : 0f;
                    Assert.AreEqual(expected, chw[(c * size + y) * size + x], 1e-6, $"c{c} y{y} x{x}");
                }
    }

    [TestMethod]
    [DataRow(64, 16)]
    [DataRow(8, 20)]
    [DataRow(50, 7)]
    public void HorizontalGradientIsMonotoneAndLinearInside(int w, int size)
    {
        // Sample value linear in the pixel index: v(i) = 1000 i (16-bit). A symmetric normalised kernel reproduces it
        // wherever it is not cut by the border: value at output column j = v(centre - 0.5), centre = (j + 0.5) w / size.
        // Exact for whole scale factors; a widened kernel sampled at a fractional offset is off by under 1e-3 pixel.
        var chw = new ImagePreprocessor(size).Process(Image(w, 3, (x, _, _) => 1000 * x));
        double step = (double)w / size, support = 2 * Math.Max(step, 1);
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < size; y++)
            {
                var row = chw.AsSpan((c * size + y) * size, size);
                for (int j = 1; j < size; j++) Assert.IsTrue(row[j] >= row[j - 1], $"monotone at c{c} y{y} j{j}");
                for (int j = 0; j < size; j++)
                {
                    double centre = (j + 0.5) * step;
                    if (centre - support < 0 || centre + support > w) continue;
                    Assert.AreEqual(1000 * (centre - 0.5) / 65535, row[j], 1e-5, $"c{c} y{y} j{j}");
                }
            }
    }

    [TestMethod]
    public void DownscaleAveragesFinePattern()
    {
        // A 1-pixel checkerboard shrunk 8x must come out mid-grey everywhere (antialiasing), not aliased to black or white.
        var chw = new ImagePreprocessor(8).Process(Image(64, 64, (x, y, _) => (x + y) % 2 == 0 ? 65535 : 0));
        foreach (var v in chw) Assert.AreEqual(0.5, v, 0.02);
    }

    [TestMethod]
    public void CropTakesTheCentreAndPadCentresWithBlackBars()
    {
        // 30 x 10: left third red, middle third green, right third blue.
        var image = Image(30, 10, (x, _, c) => x / 10 == c ? 65535 : 0);
        var crop = new ImagePreprocessor(10, ImageFit.Crop).Process(image);
        for (int i = 0; i < 100; i++)
        {
            Assert.AreEqual(0f, crop[i], 1e-6, "red plane empty after centre crop");
            Assert.AreEqual(1f, crop[100 + i], 1e-6, "green plane full");
            Assert.AreEqual(0f, crop[200 + i], 1e-6, "blue plane empty");
        }
        var pad = new ImagePreprocessor(30, ImageFit.Pad).Process(image);
        for (int y = 0; y < 30; y++)
        {
            bool bar = y < 10 || y >= 20;
            Assert.AreEqual(bar ? 0f : 1f, pad[y * 30 + 5], 1e-6, $"red at y{y}");
            Assert.AreEqual(bar ? 0f : 1f, pad[900 + y * 30 + 15], 1e-6, $"green at y{y}");
            Assert.AreEqual(bar ? 0f : 1f, pad[1800 + y * 30 + 25], 1e-6, $"blue at y{y}");
        }
    }

    [TestMethod]
    public void BytesAndFileGiveTheSameTensor()
    {
        var png = TestImageFiles.Png(9, 6, 2, 8, Enumerable.Range(0, 9 * 6 * 3).Select(i => (i * 37) % 256).ToArray());
        var dir = Directory.CreateTempSubdirectory("daclip-img-");
        try
        {
            var path = Path.Combine(dir.FullName, "a.png");
            File.WriteAllBytes(path, png);
            var p = new ImagePreprocessor(7);
            CollectionAssert.AreEqual(p.Process(png), p.Process(path));
            Assert.AreEqual(3 * 7 * 7, p.Process(path).Length);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
