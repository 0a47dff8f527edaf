using DaClip.MLNet.Imaging;
using DaClip.MLNet.IO;

namespace DaClip.MLNet.Reporting;

/// <summary>
/// Draws an anomaly map over the image it was computed from, at the image's own size, so that an inspection engineer
/// sees where the model finds defects:
/// <list type="number">
/// <item>The S x S map is placed where the model saw the image (<see cref="HeatmapOverlayOptions.Fit"/>) and upsampled
/// bilinearly to the image's pixels (pixel centres, edge values repeated; the half-pixel convention of
/// <c>align_corners=False</c>). Under <see cref="ImageFit.Crop"/> the image outside the crop has no score and stays
/// as it is.</item>
/// <item>Scores are normalised (<see cref="ScoreNormalization"/>), coloured with <see cref="HeatColorMap"/> and blended
/// over the image with <see cref="HeatmapOverlayOptions.Opacity"/>.</item>
/// <item>With a <see cref="HeatmapOverlayOptions.Threshold"/>, the outline of the upsampled area scoring &gt;= it is drawn
/// (<see cref="HeatmapOverlayOptions.PredictionColor"/>); with a ground-truth mask, the mask's outline
/// (<see cref="HeatmapOverlayOptions.GroundTruthColor"/>) is drawn last, on top. Outlines lie inside their regions.</item>
/// </list>
/// The output is a pure function of the inputs: the same image, map, mask and options give the same pixels and bytes.
/// </summary>
public static class HeatmapOverlay
{
    /// <summary>Renders the overlay as an 8-bit image of the input's size.</summary>
    /// <param name="image">The original image (e.g. <see cref="ImageDecoder.Decode(string)"/>).</param>
    /// <param name="anomalyMap">The model's map: S x S scores, row-major, all finite.</param>
    /// <param name="groundTruth">
    /// Optional mask, non-zero = defect: at the image's size (width x height, e.g. a decoded MVTec mask file, exact
    /// outline) or at the map's size S x S (e.g. from <see cref="MaskLoader"/>, placed like the map, nearest neighbour).
    /// Empty for none.
    /// </param>
    /// <param name="options">Null for the defaults.</param>
    /// <exception cref="DaClipException">The map is not square or holds a non-finite value, or the mask has neither size.</exception>
    public static RgbImage Render(RgbImage image, ReadOnlySpan<float> anomalyMap, ReadOnlySpan<byte> groundTruth = default, HeatmapOverlayOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        options = Validate(options);
        int size = MapSize(anomalyMap);
        int width = image.Width, height = image.Height;
        var (fitX, fitY) = FitAxis.For(width, height, size, options.Fit);
        var columns = Taps(fitX, width, size);
        var rows = Taps(fitY, height, size);
        var (lo, hi) = Range(anomalyMap, options);
        double scale = hi > lo ? 1.0 / (hi - lo) : 0;
        var colors = HeatColorMap.Table(1024);
        double opacity = options.Opacity;
        float threshold = options.Threshold ?? float.NaN;
        bool outlinePrediction = options.Threshold.HasValue;

        var samples = image.Samples;
        var output = new ushort[samples.Length];
        var predicted = outlinePrediction ? new byte[width * height] : null;
        for (int y = 0; y < height; y++)
        {
            var row = rows[y];
            for (int x = 0; x < width; x++)
            {
                int p = y * width + x, s = 3 * p;
                var column = columns[x];
                if (!row.Valid || !column.Valid)
                {
                    output[s] = To8BitScale(samples[s]);
                    output[s + 1] = To8BitScale(samples[s + 1]);
                    output[s + 2] = To8BitScale(samples[s + 2]);
                    continue;
                }
                double top = anomalyMap[row.I0 * size + column.I0] * (1 - column.W) + anomalyMap[row.I0 * size + column.I1] * column.W;
                double bottom = anomalyMap[row.I1 * size + column.I0] * (1 - column.W) + anomalyMap[row.I1 * size + column.I1] * column.W;
                double value = top * (1 - row.W) + bottom * row.W;
                if (predicted != null && value >= threshold) predicted[p] = 1;
                double t = Math.Clamp((value - lo) * scale, 0, 1);
                var heat = colors[(int)Math.Round(t * (colors.Length - 1))];
                output[s] = Blend(samples[s], heat.R, opacity);
                output[s + 1] = Blend(samples[s + 1], heat.G, opacity);
                output[s + 2] = Blend(samples[s + 2], heat.B, opacity);
            }
        }

        int lineWidth = options.ContourWidth ?? Math.Max(2, (int)Math.Round(Math.Min(width, height) / 170.0));
        if (predicted != null) Outline(output, predicted, width, height, lineWidth, options.PredictionColor);
        if (!groundTruth.IsEmpty)
            Outline(output, GroundTruthAtImageSize(groundTruth, width, height, size, fitX, fitY), width, height, lineWidth, options.GroundTruthColor);
        return new RgbImage(width, height, output);
    }

    /// <summary><see cref="Render"/>, encoded as PNG (8-bit RGB).</summary>
    public static byte[] RenderPng(RgbImage image, ReadOnlySpan<float> anomalyMap, ReadOnlySpan<byte> groundTruth = default, HeatmapOverlayOptions? options = null) =>
        PngImage.Encode(Render(image, anomalyMap, groundTruth, options));

    /// <summary><see cref="RenderPng"/>, written atomically to <paramref name="path"/> (folders created as needed).</summary>
    public static void WritePng(string path, RgbImage image, ReadOnlySpan<float> anomalyMap, ReadOnlySpan<byte> groundTruth = default, HeatmapOverlayOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        AtomicFile.WriteAllBytes(path, RenderPng(image, anomalyMap, groundTruth, options));
    }

    /// <summary>A decoded mask as one byte per pixel: 1 where any of R, G, B is above 0 (as <see cref="MaskLoader"/> binarises).</summary>
    public static byte[] Binarize(RgbImage mask)
    {
        ArgumentNullException.ThrowIfNull(mask);
        var samples = mask.Samples;
        var result = new byte[mask.Width * mask.Height];
        for (int p = 0; p < result.Length; p++)
            result[p] = (byte)(samples[3 * p] > 0 || samples[3 * p + 1] > 0 || samples[3 * p + 2] > 0 ? 1 : 0);
        return result;
    }

    /// <summary>The map's side S; a map must be square and finite.</summary>
    internal static int MapSize(ReadOnlySpan<float> anomalyMap)
    {
        if (anomalyMap.IsEmpty) throw new DaClipException("The anomaly map is empty; pass the model's S x S map.");
        int size = (int)Math.Round(Math.Sqrt(anomalyMap.Length));
        if (size * size != anomalyMap.Length)
            throw new DaClipException($"The anomaly map has {anomalyMap.Length} values, which is not S x S for any S; pass the model's square map, row-major.");
        for (int i = 0; i < anomalyMap.Length; i++)
            if (!float.IsFinite(anomalyMap[i]))
                throw new DaClipException($"Anomaly map pixel (row {i / size}, column {i % size}) is {anomalyMap[i]}; every score must be finite.");
        return size;
    }

    private static HeatmapOverlayOptions Validate(HeatmapOverlayOptions? options)
    {
        options = options?.Clone() ?? new HeatmapOverlayOptions();
        if (!Enum.IsDefined(options.Normalization))
            throw new ArgumentOutOfRangeException(nameof(options), options.Normalization, "HeatmapOverlayOptions.Normalization must be Fixed or PerImage.");
        if (!Enum.IsDefined(options.Fit))
            throw new ArgumentOutOfRangeException(nameof(options), options.Fit, "HeatmapOverlayOptions.Fit must be Stretch, Pad or Crop.");
        if (options.Normalization == ScoreNormalization.Fixed && !(float.IsFinite(options.RangeMin) && float.IsFinite(options.RangeMax) && options.RangeMax > options.RangeMin))
            throw new ArgumentOutOfRangeException(nameof(options), $"[{options.RangeMin}, {options.RangeMax}]", "HeatmapOverlayOptions.RangeMin and RangeMax must be finite with RangeMin < RangeMax (default [0, 1]).");
        if (!(options.Opacity >= 0 && options.Opacity <= 1))
            throw new ArgumentOutOfRangeException(nameof(options), options.Opacity, "HeatmapOverlayOptions.Opacity must lie in [0, 1] (default 0.5).");
        if (options.Threshold is { } t && !float.IsFinite(t))
            throw new ArgumentOutOfRangeException(nameof(options), t, "HeatmapOverlayOptions.Threshold must be finite, or null for no predicted outline.");
        if (options.ContourWidth is < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.ContourWidth, "HeatmapOverlayOptions.ContourWidth must be 1 or more, or null for the automatic width.");
        return options;
    }

    private static (double Lo, double Hi) Range(ReadOnlySpan<float> map, HeatmapOverlayOptions options)
    {
        if (options.Normalization == ScoreNormalization.Fixed) return (options.RangeMin, options.RangeMax);
        float lo = float.PositiveInfinity, hi = float.NegativeInfinity;
        foreach (float v in map)
        {
            lo = Math.Min(lo, v);
            hi = Math.Max(hi, v);
        }
        return (lo, hi);
    }

    /// <summary>Bilinear taps of one image axis: the two map indices and the weight of the second, or invalid outside the map.</summary>
    private static Tap[] Taps(FitAxis axis, int imageExtent, int mapSize)
    {
        var taps = new Tap[imageExtent];
        int first = axis.DstStart, last = axis.DstStart + axis.DstExtent - 1;
        for (int i = 0; i < imageExtent; i++)
        {
            double centre = i + 0.5;
            if (centre < axis.SrcStart || centre >= axis.SrcStart + axis.SrcExtent) continue;
            double u = axis.DstStart + (centre - axis.SrcStart) * axis.DstExtent / axis.SrcExtent - 0.5;
            u = Math.Clamp(u, first, last);
            int i0 = Math.Min((int)Math.Floor(u), last);
            int i1 = Math.Min(i0 + 1, last);
            taps[i] = new Tap(true, i0, i1, u - i0);
        }
        return taps;
    }

    private static byte[] GroundTruthAtImageSize(ReadOnlySpan<byte> mask, int width, int height, int size, FitAxis fitX, FitAxis fitY)
    {
        if (mask.Length == width * height)
        {
            var copy = new byte[mask.Length];
            for (int i = 0; i < copy.Length; i++) copy[i] = (byte)(mask[i] != 0 ? 1 : 0);
            return copy;
        }
        if (mask.Length != size * size)
            throw new DaClipException($"The ground-truth mask has {mask.Length} values; expected the image's {width} x {height} = {width * height} or the map's {size} x {size} = {size * size}.");
        var columns = NearestMapIndex(fitX, width);
        var rows = NearestMapIndex(fitY, height);
        var result = new byte[width * height];
        for (int y = 0; y < height; y++)
        {
            if (rows[y] < 0) continue;
            for (int x = 0; x < width; x++)
                if (columns[x] >= 0 && mask[rows[y] * size + columns[x]] != 0) result[y * width + x] = 1;
        }
        return result;
    }

    /// <summary>Per image pixel, the map pixel its centre falls in, or -1 outside the map.</summary>
    private static int[] NearestMapIndex(FitAxis axis, int imageExtent)
    {
        var index = new int[imageExtent];
        for (int i = 0; i < imageExtent; i++)
        {
            double centre = i + 0.5;
            index[i] = centre < axis.SrcStart || centre >= axis.SrcStart + axis.SrcExtent
                ? -1
                : axis.DstStart + Math.Clamp((int)Math.Floor((centre - axis.SrcStart) * axis.DstExtent / axis.SrcExtent), 0, axis.DstExtent - 1);
        }
        return index;
    }

    private static void Outline(ushort[] output, byte[] region, int width, int height, int lineWidth, Rgb24 color)
    {
        var contour = new bool[region.Length];
        BinaryContour.Mark(region, width, height, lineWidth, contour);
        for (int p = 0; p < contour.Length; p++)
        {
            if (!contour[p]) continue;
            output[3 * p] = (ushort)(color.R * 257);
            output[3 * p + 1] = (ushort)(color.G * 257);
            output[3 * p + 2] = (ushort)(color.B * 257);
        }
    }

    private static ushort Blend(ushort sample, byte heat, double opacity) =>
        (ushort)(257 * (int)Math.Round((1 - opacity) * PngImage.To8Bit(sample) + opacity * heat, MidpointRounding.AwayFromZero));

    private static ushort To8BitScale(ushort sample) => (ushort)(257 * PngImage.To8Bit(sample));

    private readonly record struct Tap(bool Valid, int I0, int I1, double W);
}
