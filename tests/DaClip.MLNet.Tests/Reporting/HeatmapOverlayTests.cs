using DaClip.MLNet.Imaging;
using DaClip.MLNet.Reporting;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Reporting;

/// <summary>Pixel checks of <see cref="HeatmapOverlay"/>: placement and upsampling of the map, colours, blending, outlines, fits.</summary>
[TestClass]
public sealed class HeatmapOverlayTests
{
    private const int Width = 64, Height = 48, Size = 8;

    [TestMethod]
    public void MapHotInOneQuadrantColoursExactlyThatQuadrantHot()
    {
        var image = Uniform(Width, Height, 128);
        var overlay = HeatmapOverlay.Render(image, QuadrantMap(), options: new HeatmapOverlayOptions { Opacity = 1 });
        Assert.AreEqual(Width, overlay.Width);
        Assert.AreEqual(Height, overlay.Height);
        // Map cells are 8 x 6 image pixels; half a cell from the quadrant's inner corner both bilinear factors are below
        // 1 and their product may fall under 0.5 (the corner is rounded). Everywhere else the quadrant is hot and the rest cold.
        int hotCorner = 0;
        for (int y = 0; y < Height; y++)
            for (int x = 0; x < Width; x++)
            {
                var c = Pixel(overlay, x, y);
                bool inQuadrant = x < Width / 2 && y < Height / 2;
                bool nearCorner = x >= Width / 2 - 4 && y >= Height / 2 - 3 && inQuadrant;
                // The scale is warm (red > blue) exactly above its middle.
                Assert.AreEqual(QuadrantValue(x, y) > 0.5, c.R > c.B, $"pixel ({x}, {y}) is {c}, value {QuadrantValue(x, y)}");
                if (!nearCorner) Assert.AreEqual(inQuadrant, c.R > c.B, $"pixel ({x}, {y}) is {c}");
                else if (c.R > c.B) hotCorner++;
            }
        Assert.IsGreaterThan(0, hotCorner);
        // Away from the edge the map is exactly 1 or 0: the ends of the scale.
        Assert.AreEqual(HeatColorMap.Color(1), Pixel(overlay, 5, 5));
        Assert.AreEqual(HeatColorMap.Color(0), Pixel(overlay, 60, 44));
        Assert.AreEqual(HeatColorMap.Color(0), Pixel(overlay, 5, 44));
    }

    [TestMethod]
    public void BlendsHeatOverTheImageWithTheOpacity()
    {
        var image = Uniform(Width, Height, 100);
        var overlay = HeatmapOverlay.Render(image, QuadrantMap(), options: new HeatmapOverlayOptions { Opacity = 0.25f });
        var hot = HeatColorMap.Color(1);
        var cold = HeatColorMap.Color(0);
        Assert.AreEqual(new Rgb24(Mix(100, hot.R, 0.25), Mix(100, hot.G, 0.25), Mix(100, hot.B, 0.25)), Pixel(overlay, 3, 3));
        Assert.AreEqual(new Rgb24(Mix(100, cold.R, 0.25), Mix(100, cold.G, 0.25), Mix(100, cold.B, 0.25)), Pixel(overlay, 50, 40));
        var none = HeatmapOverlay.Render(image, QuadrantMap(), options: new HeatmapOverlayOptions { Opacity = 0 });
        Assert.AreEqual(new Rgb24(100, 100, 100), Pixel(none, 3, 3));
    }

    [TestMethod]
    [DataRow(1), DataRow(2), DataRow(3)]
    public void ThresholdOutlineLiesOnTheInnerEdgeOfThePredictedArea(int lineWidth)
    {
        var options = new HeatmapOverlayOptions { Opacity = 1, Threshold = 0.5f, ContourWidth = lineWidth };
        var overlay = HeatmapOverlay.Render(Uniform(Width, Height, 128), QuadrantMap(), options: options);
        var predicted = new byte[Width * Height];
        for (int y = 0; y < Height; y++)
            for (int x = 0; x < Width; x++)
                predicted[y * Width + x] = (byte)(QuadrantValue(x, y) >= 0.5 ? 1 : 0);
        int outline = 0;
        for (int y = 0; y < Height; y++)
            for (int x = 0; x < Width; x++)
            {
                bool expected = predicted[y * Width + x] != 0 && HasOutsideWithin(predicted, Width, Height, x, y, lineWidth);
                Assert.AreEqual(expected, Pixel(overlay, x, y) == options.PredictionColor, $"pixel ({x}, {y})");
                if (expected) outline++;
                if (x >= 32 || y >= 24) Assert.AreEqual(0, predicted[y * Width + x], "nothing outside the quadrant is predicted");
            }
        // Two edges of the quadrant (the image border is no edge), less the rounded corner.
        Assert.IsGreaterThan(lineWidth * (32 + 24 - 8), outline);
    }

    [TestMethod]
    public void GroundTruthOutlineAtImageResolutionMatchesBruteForce()
    {
        var mask = new byte[Width * Height];
        for (int y = 5; y < 20; y++)
            for (int x = 10; x < 30; x++)
                mask[y * Width + x] = 255;
        for (int y = 30; y < 48; y++)
            for (int x = 40 + (y - 30); x < 64; x++)
                mask[y * Width + x] = 1;
        foreach (int lineWidth in (int[])[1, 2])
        {
            var options = new HeatmapOverlayOptions { ContourWidth = lineWidth };
            var overlay = HeatmapOverlay.Render(Uniform(Width, Height, 90), new float[Size * Size], mask, options);
            for (int y = 0; y < Height; y++)
                for (int x = 0; x < Width; x++)
                {
                    bool expected = mask[y * Width + x] != 0 && HasOutsideWithin(mask, Width, Height, x, y, lineWidth);
                    Assert.AreEqual(expected, Pixel(overlay, x, y) == options.GroundTruthColor, $"width {lineWidth}, pixel ({x}, {y})");
                }
        }
    }

    [TestMethod]
    public void GroundTruthAtMapResolutionIsPlacedLikeTheMap()
    {
        var mask = new byte[Size * Size];
        mask[3 * Size + 2] = 1;
        var options = new HeatmapOverlayOptions { ContourWidth = 1 };
        var overlay = HeatmapOverlay.Render(Uniform(Width, Height, 90), new float[Size * Size], mask, options);
        // Map cell (row 3, column 2) covers image columns 16..23 and rows 18..23 (8 x 6 pixels per cell).
        for (int y = 0; y < Height; y++)
            for (int x = 0; x < Width; x++)
            {
                bool inCell = x is >= 16 and < 24 && y is >= 18 and < 24;
                bool edge = inCell && (x is 16 or 23 || y is 18 or 23);
                Assert.AreEqual(edge, Pixel(overlay, x, y) == options.GroundTruthColor, $"pixel ({x}, {y})");
            }
    }

    [TestMethod]
    public void PadFitPlacesTheMapWhereTheModelSawTheImage()
    {
        // An 80 x 40 image padded into 8 x 8 occupies map rows 2..5; rows 2-3 hot, 4-5 cold, the padding rows hot too.
        var map = new float[Size * Size];
        for (int y = 0; y < Size; y++)
            for (int x = 0; x < Size; x++)
                map[y * Size + x] = y is 4 or 5 ? 0 : 1;
        var overlay = HeatmapOverlay.Render(Uniform(80, 40, 128), map, options: new HeatmapOverlayOptions { Opacity = 1, Fit = ImageFit.Pad });
        for (int y = 0; y < 40; y++)
        {
            var c = Pixel(overlay, 40, y);
            Assert.AreEqual(y < 20, c.R > c.B, $"row {y}: {c}");
        }
        Assert.AreEqual(HeatColorMap.Color(0), Pixel(overlay, 40, 39), "the padding rows below the image are not sampled");
    }

    [TestMethod]
    public void CropFitLeavesTheImageOutsideTheCropUntouched()
    {
        var image = Uniform(80, 40, 77);
        var map = Enumerable.Repeat(1f, Size * Size).ToArray();
        var overlay = HeatmapOverlay.Render(image, map, options: new HeatmapOverlayOptions { Opacity = 1, Fit = ImageFit.Crop, Threshold = 0.5f, ContourWidth = 1 });
        for (int x = 0; x < 80; x++)
        {
            var c = Pixel(overlay, x, 20);
            if (x < 20 || x >= 60) Assert.AreEqual(new Rgb24(77, 77, 77), c, $"column {x} is outside the centred 40 x 40 crop");
            else if (x is 20 or 59) Assert.AreEqual(new HeatmapOverlayOptions().PredictionColor, c, $"column {x}: predicted outline on the crop's edge");
            else Assert.AreEqual(HeatColorMap.Color(1), c, $"column {x}");
        }
    }

    [TestMethod]
    public void NormalisationFixedRangeOrPerImage()
    {
        var map = new float[Size * Size];
        for (int i = 0; i < map.Length; i++) map[i] = i < map.Length / 2 ? 2f : 6f;
        var image = Uniform(Size, Size, 0);
        var perImage = HeatmapOverlay.Render(image, map, options: new HeatmapOverlayOptions { Opacity = 1, Normalization = ScoreNormalization.PerImage });
        Assert.AreEqual(HeatColorMap.Color(0), Pixel(perImage, 0, 0));
        Assert.AreEqual(HeatColorMap.Color(1), Pixel(perImage, 0, Size - 1));
        var global = HeatmapOverlay.Render(image, map, options: new HeatmapOverlayOptions { Opacity = 1, RangeMin = 0, RangeMax = 8 });
        AssertNear(HeatColorMap.Color(0.25), Pixel(global, 0, 0), 1);
        AssertNear(HeatColorMap.Color(0.75), Pixel(global, 0, Size - 1), 1);
        var clamped = HeatmapOverlay.Render(image, map, options: new HeatmapOverlayOptions { Opacity = 1 });
        Assert.AreEqual(HeatColorMap.Color(1), Pixel(clamped, 0, 0), "scores above RangeMax take the hottest colour");
    }

    [TestMethod]
    public void PngIsDeterministicAndLossless()
    {
        var image = Gradient(37, 29);
        var mask = new byte[37 * 29];
        for (int i = 100; i < 400; i++) mask[i] = 1;
        var options = new HeatmapOverlayOptions { Threshold = 0.4f };
        var png = HeatmapOverlay.RenderPng(image, QuadrantMap(), mask, options);
        CollectionAssert.AreEqual(png, HeatmapOverlay.RenderPng(image, QuadrantMap(), mask, options));
        var decoded = ImageDecoder.Decode(png);
        var rendered = HeatmapOverlay.Render(image, QuadrantMap(), mask, options);
        CollectionAssert.AreEqual(rendered.Samples.ToArray(), decoded.Samples.ToArray());
    }

    [TestMethod]
    public void ScaleIsWarmExactlyInItsUpperHalf()
    {
        for (int i = 0; i <= 1000; i++)
        {
            var c = HeatColorMap.Color(i / 1000.0);
            Assert.AreEqual(Math.Sign(i - 500), Math.Sign(c.R - c.B), $"t = {i / 1000.0}: {c}");
        }
        Assert.AreEqual(HeatColorMap.Color(0), HeatColorMap.Color(double.NaN));
        Assert.AreEqual(HeatColorMap.Color(1), HeatColorMap.Color(7));
    }

    [TestMethod]
    public void RejectsBadMapsMasksAndOptions()
    {
        var image = Uniform(Width, Height, 0);
        Assert.ThrowsExactly<DaClipException>(() => HeatmapOverlay.Render(image, new float[10]));
        var nan = new float[Size * Size];
        nan[9] = float.NaN;
        var e = Assert.ThrowsExactly<DaClipException>(() => HeatmapOverlay.Render(image, nan));
        Assert.Contains("row 1, column 1", e.Message);
        Assert.ThrowsExactly<DaClipException>(() => HeatmapOverlay.Render(image, new float[Size * Size], new byte[17]));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => HeatmapOverlay.Render(image, new float[Size * Size], options: new HeatmapOverlayOptions { Opacity = 2 }));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => HeatmapOverlay.Render(image, new float[Size * Size], options: new HeatmapOverlayOptions { RangeMin = 1, RangeMax = 1 }));
    }

    private static float[] QuadrantMap()
    {
        var map = new float[Size * Size];
        for (int y = 0; y < Size / 2; y++)
            for (int x = 0; x < Size / 2; x++)
                map[y * Size + x] = 1;
        return map;
    }

    /// <summary>The bilinear value of <see cref="QuadrantMap"/> at image pixel (x, y): a product of two ramps, one per axis.</summary>
    private static double QuadrantValue(int x, int y)
    {
        static double Ramp(int i, int extent)
        {
            double u = Math.Clamp((i + 0.5) * Size / extent - 0.5, 0, Size - 1);
            return Math.Clamp(Size / 2 - u, 0, 1);
        }
        return Ramp(x, Width) * Ramp(y, Height);
    }

    private static bool HasOutsideWithin(byte[] mask, int width, int height, int x, int y, int radius)
    {
        for (int dy = -radius; dy <= radius; dy++)
            for (int dx = -radius; dx <= radius; dx++)
            {
                int qx = x + dx, qy = y + dy;
                if (qx >= 0 && qx < width && qy >= 0 && qy < height && mask[qy * width + qx] == 0) return true;
            }
        return false;
    }

    internal static RgbImage Uniform(int width, int height, byte value) =>
        new(width, height, Enumerable.Repeat((ushort)(value * 257), 3 * width * height).ToArray());

    private static RgbImage Gradient(int width, int height)
    {
        var samples = new ushort[3 * width * height];
        for (int i = 0; i < samples.Length; i++) samples[i] = (ushort)(257 * ((i * 7) % 256));
        return new RgbImage(width, height, samples);
    }

    internal static Rgb24 Pixel(RgbImage image, int x, int y)
    {
        int s = 3 * (y * image.Width + x);
        return new Rgb24((byte)(image.Samples[s] / 257), (byte)(image.Samples[s + 1] / 257), (byte)(image.Samples[s + 2] / 257));
    }

    private static byte Mix(byte image, byte heat, double opacity) => (byte)Math.Round((1 - opacity) * image + opacity * heat, MidpointRounding.AwayFromZero);

    private static void AssertNear(Rgb24 expected, Rgb24 actual, int tolerance)
    {
        Assert.IsLessThanOrEqualTo(tolerance, Math.Abs(expected.R - actual.R), $"{expected} vs {actual}");
        Assert.IsLessThanOrEqualTo(tolerance, Math.Abs(expected.G - actual.G), $"{expected} vs {actual}");
        Assert.IsLessThanOrEqualTo(tolerance, Math.Abs(expected.B - actual.B), $"{expected} vs {actual}");
    }
}
