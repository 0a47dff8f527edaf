using System.Globalization;
using System.Text;
using DaClip.MLNet.Metrics;

namespace DaClip.Cli.Common;

/// <summary>The metrics table printed by <c>daclip test</c> and <c>daclip demo</c>: one line per class and the mean, in percent.</summary>
internal static class MetricsTable
{
    /// <summary>How a PRO convention is named in tables and help.</summary>
    public static string Describe(ProConvention convention) => convention switch
    {
        ProConvention.AnomalyClip => "AnomalyCLIP convention (its metrics.py: 200 thresholds, rescaled FPR)",
        ProConvention.Anomalib => "anomalib convention (its AUPRO)",
        _ => "exact convention (MVTec AD definition)",
    };

    /// <summary>The command-line name of a PRO convention.</summary>
    public static string Name(ProConvention convention) => convention.ToString().ToLowerInvariant();

    public static string Format(IReadOnlyList<MetricsRow> rows, ProConvention convention, double fprLimit)
    {
        int width = Math.Max(10, rows.Max(r => r.Class.Length) + 2);
        var sb = new StringBuilder();
        var header = new[] { "images", "anomalous", "I-AUROC", "I-AP", "I-F1max", "P-AUROC", "P-AP", "PRO" };
        sb.Append("class".PadRight(width));
        foreach (var h in header) sb.Append(h.PadLeft(Math.Max(9, h.Length + 2)));
        sb.Append('\n');
        foreach (var r in rows)
        {
            sb.Append((r.Scope == "mean" ? "mean" : r.Class).PadRight(width));
            sb.Append(r.Images.ToString(CultureInfo.InvariantCulture).PadLeft(9));
            sb.Append(r.AnomalousImages.ToString(CultureInfo.InvariantCulture).PadLeft(11));
            foreach (double? v in (double?[])[r.ImageAuroc, r.ImageAp, r.ImageF1Max, r.PixelAuroc, r.PixelAp, r.Pro(convention)])
                sb.Append((v is double d ? (100 * d).ToString("F1", CultureInfo.InvariantCulture) : "n/a").PadLeft(9));
            sb.Append('\n');
        }
        sb.Append(string.Create(CultureInfo.InvariantCulture,
            $"Percent; mean = average over classes; n/a = undefined on this data. PRO: {Describe(convention)}, FPR limit {fprLimit:0.###}.\n"));
        return sb.ToString();
    }
}
