using System.Globalization;
using System.Text;
using DaClip.MLNet.Imaging;
using DaClip.MLNet.Metrics;

namespace DaClip.MLNet.Reporting;

/// <summary>
/// Writes an evaluation as a report folder that opens offline in any browser (no external CSS, scripts or fonts; all
/// links relative):
/// <list type="bullet">
/// <item><c>index.html</c>: the run, the per-class metrics table with the mean row, the ROC and PRO charts, and per class
/// the worst false positives (normal images with the highest scores) and worst false negatives (anomalous images with
/// the lowest scores), each as a heatmap overlay with its score and threshold.</item>
/// <item><c>images/</c>: the overlays (<see cref="HeatmapOverlay"/>) and the colour scale; <c>curves/</c>: the charts
/// (<see cref="CurveChart"/>).</item>
/// <item><c>report.json</c>: the run, every metric in all three PRO conventions (NaN as null), the thresholds and the
/// shown images; <c>metrics.csv</c>: one row per class and the mean row.</item>
/// </list>
/// The folder is written atomically: built beside the target, then moved into place, so an existing report is only
/// ever replaced by a complete one. Only the shown images are decoded and rendered, one at a time. The same input gives
/// the same bytes.
/// </summary>
public static class AnomalyReport
{
    /// <summary>Writes the report folder <paramref name="folder"/> (created, or an earlier report or empty folder replaced).</summary>
    /// <exception cref="DaClipException">
    /// The input does not match the evaluation (unknown class, image counts differ), a shown image lacks its pixels or
    /// map, an image or mask cannot be read, or <paramref name="folder"/> is an unrelated non-empty folder.
    /// </exception>
    public static void Write(string folder, AnomalyReportInput input)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        ArgumentNullException.ThrowIfNull(input);
        Validate(input);
        var target = Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        var staging = ReportFolder.CreateStaging(target);
        try
        {
            Directory.CreateDirectory(Path.Combine(staging, "images"));
            Directory.CreateDirectory(Path.Combine(staging, "curves"));
            var model = Render(staging, input);
            File.WriteAllText(Path.Combine(staging, "report.json"), ReportJson.Write(model), new UTF8Encoding(false));
            File.WriteAllText(Path.Combine(staging, "metrics.csv"), ReportCsv.Write(model), new UTF8Encoding(false));
            File.WriteAllText(Path.Combine(staging, "index.html"), ReportHtml.Write(model), new UTF8Encoding(false));
            ReportFolder.Commit(staging, target);
        }
        finally
        {
            ReportFolder.TryDelete(staging);
        }
    }

    internal static void ValidateWorstCases(int count, string parameter)
    {
        if (count is < 0 or > 100)
            throw new ArgumentOutOfRangeException(parameter, count, "Worst cases per class must lie in 0..100 (default 4).");
    }

    private static void Validate(AnomalyReportInput input)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(input.Title, nameof(input));
        ArgumentNullException.ThrowIfNull(input.Evaluation, nameof(input));
        ArgumentNullException.ThrowIfNull(input.Images, nameof(input));
        ArgumentNullException.ThrowIfNull(input.Curves, nameof(input));
        ArgumentNullException.ThrowIfNull(input.RunInfo, nameof(input));
        ValidateWorstCases(input.WorstCasesPerClass, nameof(input));
        if (!Enum.IsDefined(input.ProConvention))
            throw new ArgumentOutOfRangeException(nameof(input), input.ProConvention, "AnomalyReportInput.ProConvention must be Exact, AnomalyClip or Anomalib.");
        var counts = input.Evaluation.PerClass.ToDictionary(c => c.ClassName, c => c.ImageCount, StringComparer.Ordinal);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < input.Images.Count; i++)
        {
            var image = input.Images[i] ?? throw new DaClipException($"AnomalyReportInput.Images[{i}] is null.");
            if (image.ClassName is null || !counts.ContainsKey(image.ClassName))
                throw new DaClipException($"Image '{image.DisplayName(i)}' (#{i}) is of class '{image.ClassName}', which the evaluation does not have ({string.Join(", ", counts.Keys)}); pass the images that were evaluated.");
            if (!float.IsFinite(image.Score))
                throw new DaClipException($"Image '{image.DisplayName(i)}' (#{i}) has score {image.Score}; scores must be finite.");
            seen[image.ClassName] = seen.GetValueOrDefault(image.ClassName) + 1;
        }
        foreach (var (name, count) in counts)
            if (seen.GetValueOrDefault(name) != count)
                throw new DaClipException($"Class '{name}' has {seen.GetValueOrDefault(name)} images in AnomalyReportInput.Images but {count} in the evaluation; pass every evaluated image (AnomalyReportBuilder keeps them in bounded memory).");
    }

    private static ReportModel Render(string staging, AnomalyReportInput input)
    {
        var curvesByClass = new Dictionary<string, ClassCurves>(StringComparer.Ordinal);
        foreach (var c in input.Curves)
            if (c is not null) curvesByClass[c.ClassName] = c;

        var colorBar = "images/colorbar.png";
        WriteColorBar(Path.Combine(staging, colorBar));

        var classes = new List<ReportClass>();
        for (int k = 0; k < input.Evaluation.PerClass.Count; k++)
        {
            var metrics = input.Evaluation.PerClass[k];
            string slug = Slug(k, metrics.ClassName);
            var (imageThreshold, imageSource) = ImageThreshold(input, metrics.ClassName);
            curvesByClass.TryGetValue(metrics.ClassName, out var curves);
            var (pixelThreshold, pixelSource) = PixelThreshold(input, metrics.ClassName, curves);

            ReportCurveFiles? curveFiles = null;
            if (curves is not null)
            {
                curveFiles = new ReportCurveFiles($"curves/{slug}-image-roc.png", $"curves/{slug}-pixel-roc.png", $"curves/{slug}-pro.png");
                WriteCharts(staging, curveFiles, [(metrics, curves)], $"{metrics.ClassName}: ", input.Evaluation.FprLimit);
            }

            var (fpIndices, fnIndices) = WorstCases.Select(input.Images, metrics.ClassName, input.WorstCasesPerClass);
            var overlay = input.Overlay?.Clone() ?? new HeatmapOverlayOptions();
            overlay.Threshold = pixelThreshold;
            var falsePositives = fpIndices.Select((index, rank) => RenderCase(staging, input, index, $"images/{slug}-fp-{rank + 1}.png", imageThreshold, overlay)).ToList();
            var falseNegatives = fnIndices.Select((index, rank) => RenderCase(staging, input, index, $"images/{slug}-fn-{rank + 1}.png", imageThreshold, overlay)).ToList();
            classes.Add(new ReportClass(metrics, slug, imageThreshold, imageSource, pixelThreshold, pixelSource, curveFiles, falsePositives, falseNegatives));
        }

        ReportCurveFiles? overview = null;
        var withCurves = input.Evaluation.PerClass.Where(c => curvesByClass.ContainsKey(c.ClassName)).Select(c => (c, curvesByClass[c.ClassName])).ToList();
        if (withCurves.Count > 0)
        {
            overview = new ReportCurveFiles("curves/image-roc.png", "curves/pixel-roc.png", "curves/pro.png");
            WriteCharts(staging, overview, withCurves, "", input.Evaluation.FprLimit);
        }
        return new ReportModel(input, classes, overview, colorBar);
    }

    private static (float Threshold, string Source) ImageThreshold(AnomalyReportInput input, string className)
    {
        if (input.ImageThresholds is { } given && given.TryGetValue(className, out var t))
        {
            if (!float.IsFinite(t)) throw new DaClipException($"AnomalyReportInput.ImageThresholds['{className}'] is {t}; thresholds must be finite.");
            return (t, "given");
        }
        var scores = new List<float>();
        var labels = new List<bool>();
        foreach (var image in input.Images)
        {
            if (!string.Equals(image.ClassName, className, StringComparison.Ordinal)) continue;
            scores.Add(image.Score);
            labels.Add(image.IsAnomalous);
        }
        return (BinaryRankingMetrics.F1MaxThreshold(ScoreLevelTable.FromScores(scores.ToArray(), labels.ToArray())), "image F1-max");
    }

    private static (float? Threshold, string Source) PixelThreshold(AnomalyReportInput input, string className, ClassCurves? curves)
    {
        if (input.PixelThresholds is { } given && given.TryGetValue(className, out var t))
        {
            if (!float.IsFinite(t)) throw new DaClipException($"AnomalyReportInput.PixelThresholds['{className}'] is {t}; thresholds must be finite.");
            return (t, "given");
        }
        if (curves is not null && float.IsFinite(curves.PixelF1Threshold)) return (curves.PixelF1Threshold, "pixel F1-max");
        return (null, "none (no curves)");
    }

    private static ReportCase RenderCase(string staging, AnomalyReportInput input, int index, string file, float imageThreshold, HeatmapOverlayOptions overlay)
    {
        var record = input.Images[index];
        string name = record.DisplayName(index);
        if (record.AnomalyMap is null)
            throw new DaClipException($"Image '{name}' (#{index}, class '{record.ClassName}') is shown among the worst cases but has no AnomalyMap; keep the maps of the shown images (AnomalyReportBuilder does).");
        RgbImage image = record.Image
            ?? (record.ImagePath is { } path ? ImageDecoder.Decode(path)
                : throw new DaClipException($"Image '{name}' (#{index}, class '{record.ClassName}') is shown among the worst cases but has neither ImagePath nor Image."));
        byte[] mask = record.MaskPath is { } maskPath ? HeatmapOverlay.Binarize(ImageDecoder.Decode(maskPath)) : record.Mask ?? [];
        try
        {
            File.WriteAllBytes(Path.Combine(staging, file), HeatmapOverlay.RenderPng(image, record.AnomalyMap, mask, overlay));
        }
        catch (DaClipException e)
        {
            throw new DaClipException($"Image '{name}' (#{index}, class '{record.ClassName}'): {e.Message}", e);
        }
        bool predicted = record.PredictedAnomalous ?? (float.IsFinite(imageThreshold) && record.Score >= imageThreshold);
        return new ReportCase(index, name, record.ImagePath, record.IsAnomalous, record.Score, predicted, file);
    }

    private static void WriteCharts(string staging, ReportCurveFiles files, IReadOnlyList<(ClassSegmentationMetrics Metrics, ClassCurves Curves)> classes, string titlePrefix, double fprLimit)
    {
        var imageRoc = classes.Select(c => new CurveSeries(c.Metrics.ClassName, c.Curves.ImageRoc, c.Metrics.Metrics.ImageAuroc)).ToList();
        var pixelRoc = classes.Select(c => new CurveSeries(c.Metrics.ClassName, c.Curves.PixelRoc, c.Metrics.Metrics.PixelAuroc)).ToList();
        var pro = classes.Select(c => new CurveSeries(c.Metrics.ClassName, c.Curves.Pro, c.Metrics.Metrics.PixelAuproExact)).ToList();
        int width = ChartWidth(classes.Count);
        File.WriteAllBytes(Path.Combine(staging, files.ImageRoc), CurveChart.RocPng($"{titlePrefix}Image ROC (AUROC)", imageRoc, width));
        File.WriteAllBytes(Path.Combine(staging, files.PixelRoc), CurveChart.RocPng($"{titlePrefix}Pixel ROC (AUROC)", pixelRoc, width));
        string limit = fprLimit.ToString("0.###", CultureInfo.InvariantCulture);
        File.WriteAllBytes(Path.Combine(staging, files.Pro), CurveChart.ProPng($"{titlePrefix}PRO to FPR {limit} (MVTec exact)", pro, fprLimit, width));
    }

    /// <summary>Chart width for <paramref name="series"/> curves: wider when the legend needs a column of its own.</summary>
    internal static int ChartWidth(int series) => series > CurveChart.MaxSeriesInsidePlot ? 900 : CurveChart.DefaultWidth;

    private static void WriteColorBar(string path)
    {
        const int width = 512, height = 24;
        var table = HeatColorMap.Table(width);
        var rgba = new byte[4 * width * height];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                int p = 4 * (y * width + x);
                rgba[p] = table[x].R;
                rgba[p + 1] = table[x].G;
                rgba[p + 2] = table[x].B;
                rgba[p + 3] = 255;
            }
        File.WriteAllBytes(path, PngImage.EncodeRgba(rgba, width, height));
    }

    /// <summary>A file-name and anchor-safe name for class number <paramref name="index"/>: <c>c01-bottle</c>.</summary>
    private static string Slug(int index, string className)
    {
        var sb = new StringBuilder($"c{index + 1:D2}-");
        foreach (char ch in className.ToLowerInvariant().Take(40))
            sb.Append(ch is >= 'a' and <= 'z' or >= '0' and <= '9' ? ch : '-');
        return sb.ToString().TrimEnd('-');
    }
}
