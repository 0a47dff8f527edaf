using System.Globalization;
using System.Text;

namespace DaClip.Cli.Common;

/// <summary>
/// The metrics as CSV (RFC 4180, invariant culture, full precision, an undefined metric as an empty field): one row per
/// class and the mean row, with the columns of the HTML report's metrics.csv.
/// </summary>
internal static class MetricsCsv
{
    public const string Header = "scope,class,images,anomalous_images,normal_pixels,anomalous_pixels,regions," +
        "image_auroc,image_ap,image_f1_max,pixel_auroc,pixel_ap,pixel_f1_max,pixel_aupro_exact,pixel_aupro_anomalyclip,pixel_aupro_anomalib";

    public static string Format(IEnumerable<MetricsRow> rows)
    {
        var sb = new StringBuilder(Header).Append('\n');
        foreach (var r in rows)
        {
            sb.Append(r.Scope).Append(',').Append(Quote(r.Class));
            foreach (long count in (long[])[r.Images, r.AnomalousImages, r.NormalPixels, r.AnomalousPixels, r.Regions])
                sb.Append(',').Append(count.ToString(CultureInfo.InvariantCulture));
            foreach (double? value in (double?[])[r.ImageAuroc, r.ImageAp, r.ImageF1Max, r.PixelAuroc, r.PixelAp, r.PixelF1Max,
                         r.PixelAuproExact, r.PixelAuproAnomalyClip, r.PixelAuproAnomalib])
                sb.Append(',').Append(value?.ToString("R", CultureInfo.InvariantCulture));
            sb.Append('\n');
        }
        return sb.ToString();
    }

    private static string Quote(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + field.Replace("\"", "\"\"") + "\"" : field;
}
