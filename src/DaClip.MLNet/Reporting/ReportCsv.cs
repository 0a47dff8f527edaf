using System.Globalization;
using System.Text;
using DaClip.MLNet.Metrics;

namespace DaClip.MLNet.Reporting;

/// <summary>
/// metrics.csv (RFC 4180, comma-separated, invariant culture, full double precision, NaN as an empty field): a header,
/// one row per class (<c>scope</c> = class) and the mean row (<c>scope</c> = mean, counts summed over classes).
/// </summary>
internal static class ReportCsv
{
    public const string Header = "scope,class,images,anomalous_images,normal_pixels,anomalous_pixels,regions," +
        "image_auroc,image_ap,image_f1_max,pixel_auroc,pixel_ap,pixel_f1_max,pixel_aupro_exact,pixel_aupro_anomalyclip,pixel_aupro_anomalib";

    public static string Write(ReportModel model)
    {
        var evaluation = model.Input.Evaluation;
        var sb = new StringBuilder();
        sb.Append(Header).Append('\n');
        foreach (var c in evaluation.PerClass)
            Row(sb, "class", c.ClassName, c.ImageCount, c.AnomalousImageCount, c.NormalPixelCount, c.AnomalousPixelCount, c.RegionCount, c.Metrics);
        Row(sb, "mean", "", evaluation.PerClass.Sum(c => c.ImageCount), evaluation.PerClass.Sum(c => c.AnomalousImageCount),
            evaluation.PerClass.Sum(c => c.NormalPixelCount), evaluation.PerClass.Sum(c => c.AnomalousPixelCount),
            evaluation.PerClass.Sum(c => c.RegionCount), evaluation.Mean);
        return sb.ToString();
    }

    private static void Row(StringBuilder sb, string scope, string name, long images, long anomalous, long normalPixels, long anomalousPixels, long regions, SegmentationMetrics m)
    {
        sb.Append(scope).Append(',').Append(Quote(name));
        foreach (long count in (long[])[images, anomalous, normalPixels, anomalousPixels, regions])
            sb.Append(',').Append(count.ToString(CultureInfo.InvariantCulture));
        foreach (double value in (double[])[m.ImageAuroc, m.ImageAveragePrecision, m.ImageF1Max, m.PixelAuroc, m.PixelAveragePrecision,
                     m.PixelF1Max, m.PixelAuproExact, m.PixelAuproAnomalyClip, m.PixelAuproAnomalib])
            sb.Append(',').Append(double.IsFinite(value) ? value.ToString("R", CultureInfo.InvariantCulture) : "");
        sb.Append('\n');
    }

    private static string Quote(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + field.Replace("\"", "\"\"") + "\"" : field;
}
