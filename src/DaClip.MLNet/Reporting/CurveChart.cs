using DaClip.MLNet.Metrics;
using SkiaSharp;

namespace DaClip.MLNet.Reporting;

/// <summary>
/// Draws ROC and PRO curves as PNG charts with SkiaSharp: axes from 0 to 1 (Y) and 0 to the X limit, a grid at round
/// ticks, one coloured line per series (ten colours, then the same colours dashed), a legend (in the plot's lower right
/// corner, where ROC and PRO curves do not go, for up to four series; in a column beside the plot for more), and text in
/// this library's own pixel font (<see cref="BitmapFont"/>) so that a chart looks the same on every machine. Output is
/// deterministic for a given SkiaSharp build.
/// </summary>
/// <remarks>
/// Drawn here rather than with ScottPlot: ScottPlot 5.1 requires SkiaSharp 3.x, while ML.NET's image support
/// (Microsoft.ML.ImageAnalytics 5.0, used for <c>MLImage</c> input) is built against SkiaSharp 2.88 and fails with
/// SkiaSharp 3 at run time.
/// </remarks>
public static class CurveChart
{
    /// <summary>Default chart width in pixels.</summary>
    public const int DefaultWidth = 600;

    /// <summary>Default chart height in pixels.</summary>
    public const int DefaultHeight = 400;

    private const int TextScale = 2;
    private const int LegendColumnWidth = 280;
    /// <summary>Up to this many series the legend is drawn inside the plot; beyond, in a column beside it.</summary>
    public const int MaxSeriesInsidePlot = 4;
    private const int LegendRowHeight = 22, LegendSwatch = 26;

    // Room right of the plot for half of the last X tick label ("0.30" is 46 pixels wide).
    private const int RightMargin = 36;

    private static readonly SKColor[] Palette =
    [
        new(0, 92, 200), new(232, 104, 0), new(24, 150, 64), new(204, 32, 52), new(128, 64, 184),
        new(118, 78, 42), new(218, 62, 162), new(88, 88, 88), new(150, 150, 0), new(0, 158, 176),
    ];

    /// <summary>A ROC chart (false-positive rate against true-positive rate, both 0..1) with the chance diagonal. For more than four series, pass a width of about 900 so that the legend column leaves the plot room.</summary>
    public static byte[] RocPng(string title, IReadOnlyList<CurveSeries> series, int width = DefaultWidth, int height = DefaultHeight) =>
        RenderPng(title, "False positive rate", "True positive rate", 1, series, chanceDiagonal: true, width, height);

    /// <summary>A PRO chart (false-positive rate 0..<paramref name="fprLimit"/> against per-region overlap 0..1).</summary>
    public static byte[] ProPng(string title, IReadOnlyList<CurveSeries> series, double fprLimit = PerRegionOverlap.DefaultFprLimit, int width = DefaultWidth, int height = DefaultHeight) =>
        RenderPng(title, "False positive rate", "Per-region overlap", fprLimit, series, chanceDiagonal: false, width, height);

    /// <summary>A chart of <paramref name="series"/> with X from 0 to <paramref name="xMax"/> and Y from 0 to 1; points outside are clipped.</summary>
    /// <param name="title">Drawn above the plot.</param>
    /// <param name="xLabel">X axis title.</param>
    /// <param name="yLabel">Y axis title.</param>
    /// <param name="xMax">Right end of the X axis, above 0.</param>
    /// <param name="series">The curves, drawn in order (the first under the others).</param>
    /// <param name="chanceDiagonal">Draw the dashed line from (0, 0) to (xMax, 1).</param>
    /// <param name="width">Image width, at least 400.</param>
    /// <param name="height">Image height, at least 300.</param>
    public static byte[] RenderPng(string title, string xLabel, string yLabel, double xMax, IReadOnlyList<CurveSeries> series,
        bool chanceDiagonal, int width = DefaultWidth, int height = DefaultHeight)
    {
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(xLabel);
        ArgumentNullException.ThrowIfNull(yLabel);
        ArgumentNullException.ThrowIfNull(series);
        if (!(xMax > 0) || double.IsInfinity(xMax)) throw new ArgumentOutOfRangeException(nameof(xMax), xMax, "The X axis must end above 0.");
        if (width < 400) throw new ArgumentOutOfRangeException(nameof(width), width, "A chart needs a width of at least 400 pixels.");
        if (height < 300) throw new ArgumentOutOfRangeException(nameof(height), height, "A chart needs a height of at least 300 pixels.");

        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(SKColors.White);
        bool legendBeside = series.Count > MaxSeriesInsidePlot;
        var plot = new SKRect(92, 56, width - (legendBeside ? LegendColumnWidth : 0) - RightMargin, height - 78);
        float X(double x) => plot.Left + (float)(x / xMax) * plot.Width;
        float Y(double y) => plot.Bottom - (float)y * plot.Height;

        var text = new SKColor(32, 32, 32);
        var heading = Fit(title, width - 40);
        BitmapFont.Draw(canvas, heading, (width - BitmapFont.Measure(heading, TextScale)) / 2f, 18, TextScale, text);

        using (var grid = new SKPaint { Color = new SKColor(226, 226, 226), StrokeWidth = 1, IsAntialias = false, Style = SKPaintStyle.Stroke })
        {
            double xStep = TickStep(xMax);
            int xDecimals = xStep >= 0.1 - 1e-12 ? 1 : 2;
            for (int i = 0; i * xStep <= xMax * (1 + 1e-9); i++)
            {
                double v = i * xStep;
                float px = X(v);
                canvas.DrawLine(px, plot.Top, px, plot.Bottom, grid);
                var label = v.ToString("F" + xDecimals, System.Globalization.CultureInfo.InvariantCulture);
                BitmapFont.Draw(canvas, label, px - BitmapFont.Measure(label, TextScale) / 2f, plot.Bottom + 10, TextScale, text);
            }
            for (int i = 0; i <= 5; i++)
            {
                double v = i * 0.2;
                float py = Y(v);
                canvas.DrawLine(plot.Left, py, plot.Right, py, grid);
                var label = v.ToString("F1", System.Globalization.CultureInfo.InvariantCulture);
                BitmapFont.Draw(canvas, label, plot.Left - 10 - BitmapFont.Measure(label, TextScale), py - BitmapFont.GlyphHeight * TextScale / 2f, TextScale, text);
            }
        }
        BitmapFont.Draw(canvas, xLabel, plot.MidX - BitmapFont.Measure(xLabel, TextScale) / 2f, plot.Bottom + 40, TextScale, text);
        BitmapFont.DrawUpwards(canvas, yLabel, 14, plot.MidY + BitmapFont.Measure(yLabel, TextScale) / 2f, TextScale, text);

        if (chanceDiagonal)
        {
            using var diagonal = new SKPaint { Color = new SKColor(160, 160, 160), StrokeWidth = 1.5f, IsAntialias = true, Style = SKPaintStyle.Stroke, PathEffect = SKPathEffect.CreateDash([6, 6], 0) };
            canvas.DrawLine(X(0), Y(0), X(xMax), Y(1), diagonal);
        }

        canvas.Save();
        canvas.ClipRect(plot);
        for (int s = 0; s < series.Count; s++)
        {
            var points = series[s].Points;
            if (points is null || points.Count == 0) continue;
            using var path = new SKPath();
            path.MoveTo(X(points[0].X), Y(points[0].Y));
            for (int i = 1; i < points.Count; i++) path.LineTo(X(points[i].X), Y(points[i].Y));
            using var stroke = SeriesPaint(s);
            canvas.DrawPath(path, stroke);
        }
        canvas.Restore();

        using (var frame = new SKPaint { Color = new SKColor(90, 90, 90), StrokeWidth = 1, IsAntialias = false, Style = SKPaintStyle.Stroke })
            canvas.DrawRect(plot, frame);

        if (legendBeside)
            DrawLegend(canvas, series, plot.Right + RightMargin, plot.Top, LegendColumnWidth - 8, text, Math.Max(1, (int)((height - plot.Top - 8) / LegendRowHeight)));
        else if (series.Count > 0) DrawLegendInside(canvas, series, plot, text);
        return PngImage.Encode(bitmap);
    }

    private static void DrawLegendInside(SKCanvas canvas, IReadOnlyList<CurveSeries> series, SKRect plot, SKColor text)
    {
        const int padding = 8;
        int maxTextWidth = (int)(plot.Width * 0.6f) - LegendSwatch - 8 - 2 * padding;
        int textWidth = series.Max(s => BitmapFont.Measure(LegendText(s, maxTextWidth), TextScale));
        var box = new SKRect(0, 0, 2 * padding + LegendSwatch + 8 + textWidth, 2 * padding + series.Count * LegendRowHeight - 8);
        box.Offset(plot.Right - 10 - box.Width, plot.Bottom - 10 - box.Height);
        using (var fill = new SKPaint { Color = SKColors.White, Style = SKPaintStyle.Fill })
            canvas.DrawRect(box, fill);
        using (var border = new SKPaint { Color = new SKColor(200, 200, 200), StrokeWidth = 1, Style = SKPaintStyle.Stroke })
            canvas.DrawRect(box, border);
        DrawLegend(canvas, series, box.Left + padding, box.Top + padding, maxTextWidth + LegendSwatch + 8, text);
    }

    private static void DrawLegend(SKCanvas canvas, IReadOnlyList<CurveSeries> series, float left, float top, float width, SKColor text, int maxRows = int.MaxValue)
    {
        int maxTextWidth = (int)width - LegendSwatch - 8;
        int rows = series.Count <= maxRows ? series.Count : maxRows - 1;
        for (int s = 0; s < rows; s++)
        {
            float y = top + s * LegendRowHeight;
            using var stroke = SeriesPaint(s);
            canvas.DrawLine(left, y + 7, left + LegendSwatch, y + 7, stroke);
            BitmapFont.Draw(canvas, LegendText(series[s], maxTextWidth), left + LegendSwatch + 8, y, TextScale, text);
        }
        if (rows < series.Count)
            BitmapFont.Draw(canvas, $"+ {series.Count - rows} more", left + LegendSwatch + 8, top + rows * LegendRowHeight, TextScale, text);
    }

    /// <summary>The name, cut to leave room for the area (or n/a for a series without points), which is never cut.</summary>
    private static string LegendText(CurveSeries series, int maxWidth)
    {
        string suffix = series.Points is not { Count: > 0 } ? " n/a"
            : series.Area is { } area ? " " + (double.IsFinite(area) ? area.ToString("F3", System.Globalization.CultureInfo.InvariantCulture) : "n/a")
            : "";
        int suffixWidth = suffix.Length * BitmapFont.Advance * TextScale;
        return Fit(series.Name, maxWidth - suffixWidth) + suffix;
    }

    private static SKPaint SeriesPaint(int index) => new()
    {
        Color = Palette[index % Palette.Length],
        StrokeWidth = 2.5f,
        IsAntialias = true,
        Style = SKPaintStyle.Stroke,
        StrokeJoin = SKStrokeJoin.Round,
        PathEffect = index / Palette.Length % 2 == 1 ? SKPathEffect.CreateDash([10, 5], 0) : null,
    };

    /// <summary>The text, cut with ".." to fit <paramref name="maxWidth"/> pixels.</summary>
    private static string Fit(string text, int maxWidth)
    {
        int maxChars = Math.Max(4, (maxWidth / TextScale + 1) / BitmapFont.Advance);
        return text.Length <= maxChars ? text : text[..(maxChars - 2)] + "..";
    }

    /// <summary>The smallest round step that divides [0, max] into at most 6 intervals.</summary>
    private static double TickStep(double max)
    {
        foreach (double step in (double[])[0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1])
            if (max / step <= 6 + 1e-9) return step;
        return Math.Pow(10, Math.Ceiling(Math.Log10(max / 6)));
    }
}
