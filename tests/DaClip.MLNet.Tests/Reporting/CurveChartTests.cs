using DaClip.MLNet.Imaging;
using DaClip.MLNet.Metrics;
using DaClip.MLNet.Reporting;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Reporting;

/// <summary><see cref="CurveChart"/>: size, determinism, where the curve is drawn, and text without system fonts.</summary>
[TestClass]
public sealed class CurveChartTests
{
    private static readonly Rgb24 FirstSeries = new(0, 92, 200);

    [TestMethod]
    public void DrawsTheCurveInsideThePlotAndIsDeterministic()
    {
        CurvePoint[] points = [new(0, 0, float.PositiveInfinity), new(0.1, 0.7, 0.9f), new(0.4, 0.9, 0.5f), new(1, 1, 0.1f)];
        var png = CurveChart.RocPng("Test ROC", [new CurveSeries("class a 0.870", points)], 640, 400);
        CollectionAssert.AreEqual(png, CurveChart.RocPng("Test ROC", [new CurveSeries("class a 0.870", points)], 640, 400));
        var image = ImageDecoder.Decode(png);
        Assert.AreEqual(640, image.Width);
        Assert.AreEqual(400, image.Height);
        int coloured = CountNear(image, FirstSeries, 0, 0, image.Width, image.Height);
        Assert.IsGreaterThan(300, coloured, "the curve and its legend swatch are drawn in the first series colour");

        // One series: the legend sits inside the plot, which spans x 92..604 (640 less 36) and y 56..322 (400 less 78):
        // the midpoint (0.25, 0.8) of the segment from (0.1, 0.7) to (0.4, 0.9) lands at (92 + 0.25 * 512, 322 - 0.8 * 266).
        Assert.IsGreaterThan(0, CountNear(image, FirstSeries, 220 - 3, 109 - 3, 7, 7));
        // Nothing of the curve below it (FPR 0.30..0.42, TPR 0.05..0.27), left of the legend box in the lower right.
        Assert.AreEqual(0, CountNear(image, FirstSeries, 250, 250, 60, 60));
    }

    [TestMethod]
    public void EmptySeriesIsListedButNotDrawn()
    {
        var image = ImageDecoder.Decode(CurveChart.ProPng("PRO", [new CurveSeries("nothing", [])], 0.3, 640, 400));
        int swatch = CountNear(image, FirstSeries, 0, 0, 640, 400);
        Assert.IsGreaterThan(0, swatch, "the legend swatch is there");
        Assert.AreEqual(swatch, CountNear(image, FirstSeries, 380, 270, 260, 60), "and nothing else: no curve is drawn");
        int dark = 0;
        for (int y = 0; y < 40; y++)
            for (int x = 0; x < 640; x++)
                if (HeatmapOverlayTests.Pixel(image, x, y).R < 60) dark++;
        Assert.IsGreaterThan(50, dark, "the title is drawn with the built-in font");
    }

    [TestMethod]
    public void ManySeriesGetALegendColumnBesideThePlot()
    {
        var series = Enumerable.Range(0, 12).Select(i => new CurveSeries($"class {i}", [new(0, 0, 1), new(1, 1, 0)])).ToList();
        var image = ImageDecoder.Decode(CurveChart.RocPng("Twelve", series, 800, 500));
        // The 280-pixel column starts 36 pixels right of the plot, which ends 280 + 36 pixels before the right edge.
        Assert.IsGreaterThan(0, CountNear(image, FirstSeries, 800 - 280, 56, 30, 16), "first swatch beside the plot");
        Assert.IsGreaterThan(0, CountNear(image, new Rgb24(0, 158, 176), 800 - 280, 56 + 9 * 22, 30, 16), "tenth swatch");
    }

    [TestMethod]
    public void RejectsTooSmallChartsAndEmptyAxes()
    {
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => CurveChart.RocPng("x", [], 100, 400));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => CurveChart.RenderPng("x", "a", "b", 0, [], false));
    }

    private static int CountNear(RgbImage image, Rgb24 color, int left, int top, int width, int height)
    {
        int count = 0;
        for (int y = top; y < Math.Min(image.Height, top + height); y++)
            for (int x = left; x < Math.Min(image.Width, left + width); x++)
            {
                var c = HeatmapOverlayTests.Pixel(image, x, y);
                if (Math.Abs(c.R - color.R) + Math.Abs(c.G - color.G) + Math.Abs(c.B - color.B) <= 12) count++;
            }
        return count;
    }
}
