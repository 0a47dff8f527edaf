using System.Globalization;
using System.Net;
using System.Text;
using DaClip.MLNet.Metrics;

namespace DaClip.MLNet.Reporting;

/// <summary>
/// index.html: one self-contained page (inline CSS, no scripts, no external fonts or files; every link relative). Metrics
/// are shown as percentages with one decimal (n/a for NaN), scores and thresholds with five significant digits.
/// </summary>
internal static class ReportHtml
{
    private const string Css = """
        :root { --fg: #1d2026; --muted: #5d6470; --line: #d8dce3; --head: #f2f4f7; --bad: #a8231b; --ok: #1c6b31; }
        * { box-sizing: border-box; }
        body { margin: 0; color: var(--fg); background: #fff; line-height: 1.45;
               font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", "Liberation Sans", sans-serif; }
        main { max-width: 1240px; margin: 0 auto; padding: 24px 28px 48px; }
        h1 { font-size: 1.7rem; margin: 0 0 .4rem; }
        h2 { font-size: 1.3rem; margin: 2.2rem 0 .8rem; padding-bottom: .3rem; border-bottom: 2px solid var(--line); }
        h3 { font-size: 1.05rem; margin: 1.4rem 0 .6rem; }
        a { color: #1a56b8; }
        nav { margin: .6rem 0 0; font-size: .92rem; }
        nav a { margin-right: .9rem; white-space: nowrap; }
        table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
        th, td { padding: 5px 10px; border-bottom: 1px solid var(--line); text-align: right; white-space: nowrap; }
        th:first-child, td:first-child { text-align: left; }
        table.metrics thead th { background: var(--head); font-weight: 600; }
        table.metrics thead tr:first-child th { text-align: center; border-bottom: 0; color: var(--muted); font-weight: 500; }
        table.metrics tfoot td { font-weight: 700; border-top: 2px solid #8a8f99; background: #fafbfc; }
        table.info th { text-align: left; color: var(--muted); font-weight: 500; padding-left: 0; }
        table.info td { text-align: left; white-space: normal; }
        .muted { color: var(--muted); }
        .charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(360px, 1fr)); gap: 14px; }
        .charts.wide { grid-template-columns: repeat(auto-fit, minmax(540px, 1fr)); }
        .charts figure { margin: 0; }
        .charts img { display: block; width: 100%; height: auto; border: 1px solid var(--line); }
        .scale img { display: block; width: 512px; max-width: 100%; height: 24px; border: 1px solid var(--line); }
        .scale .ends { display: flex; justify-content: space-between; width: 512px; max-width: 100%; font-size: .85rem; color: var(--muted); }
        .swatch { display: inline-block; width: 1.6em; height: .35em; vertical-align: middle; margin-right: .35em; }
        .cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(270px, 1fr)); gap: 14px; }
        .card { margin: 0; border: 1px solid var(--line); border-radius: 6px; overflow: hidden; background: #fafbfc; }
        .card img { display: block; width: 100%; height: auto; background: #eee; }
        .card figcaption { padding: 7px 10px 9px; font-size: .86rem; }
        .card .name { font-weight: 600; word-break: break-all; }
        .tag { display: inline-block; padding: 0 6px; border-radius: 3px; font-size: .78rem; font-weight: 600; }
        .tag.bad { background: #fbe4e2; color: var(--bad); }
        .tag.ok { background: #e2f3e6; color: var(--ok); }
        .summary { margin: .2rem 0 .8rem; }
        footer { margin-top: 3rem; font-size: .85rem; color: var(--muted); }
        """;

    public static string Write(ReportModel model)
    {
        var input = model.Input;
        var evaluation = input.Evaluation;
        var overlay = input.Overlay ?? new HeatmapOverlayOptions();
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        sb.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        sb.Append("<title>").Append(E(input.Title)).Append("</title>\n<style>\n").Append(Css).Append("</style>\n</head>\n<body>\n<main>\n");

        sb.Append("<header>\n<h1>").Append(E(input.Title)).Append("</h1>\n<table class=\"info\">\n");
        if (input.Model is { } modelName) InfoRow(sb, "Model", modelName);
        if (input.Backbone is { } backbone) InfoRow(sb, "Backbone", backbone);
        foreach (var (key, value) in input.RunInfo) InfoRow(sb, key, value);
        InfoRow(sb, "Images", $"{evaluation.PerClass.Sum(c => c.ImageCount)} in {evaluation.PerClass.Count} classes ({evaluation.PerClass.Sum(c => c.AnomalousImageCount)} anomalous)");
        InfoRow(sb, "Evaluation", $"{evaluation.Mode} mode, PRO up to FPR {Number(evaluation.FprLimit)}, mean over classes");
        if (input.CreatedAt is { } created) InfoRow(sb, "Created", created.ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture));
        sb.Append("</table>\n<nav><a href=\"#metrics\">Metrics</a>");
        if (model.OverviewCurves is not null) sb.Append("<a href=\"#curves\">Curves</a>");
        sb.Append("<a href=\"#overlays\">Reading the overlays</a>");
        foreach (var c in model.Classes) sb.Append("<a href=\"#").Append(c.Anchor).Append("\">").Append(E(c.Metrics.ClassName)).Append("</a>");
        sb.Append("</nav>\n</header>\n");

        WriteMetricsTable(sb, model);
        if (model.OverviewCurves is { } overview)
        {
            sb.Append("<section id=\"curves\">\n<h2>Curves, all classes</h2>\n");
            Charts(sb, overview, "all classes", wide: model.Classes.Count(c => c.Curves is not null) > CurveChart.MaxSeriesInsidePlot);
            sb.Append("<p class=\"muted\">Legend values: the area under each curve (PRO: MVTec exact convention, normalised by the FPR limit).</p>\n</section>\n");
        }
        WriteOverlayLegend(sb, model, overlay);
        foreach (var c in model.Classes) WriteClass(sb, c);

        sb.Append("<footer>Written by DaClip.MLNet. Data: <a href=\"report.json\">report.json</a>, <a href=\"metrics.csv\">metrics.csv</a>.</footer>\n");
        sb.Append("</main>\n</body>\n</html>\n");
        return sb.ToString();
    }

    /// <summary>The name of a PRO convention as the table header shows it.</summary>
    public static string ConventionName(ProConvention convention) => convention switch
    {
        ProConvention.Exact => "MVTec exact",
        ProConvention.AnomalyClip => "AnomalyCLIP",
        ProConvention.Anomalib => "anomalib",
        _ => convention.ToString(),
    };

    /// <summary>A metric as the table shows it: percent with one decimal, or n/a.</summary>
    public static string Percent(double value) =>
        double.IsFinite(value) ? (100 * value).ToString("F1", CultureInfo.InvariantCulture) : "n/a";

    /// <summary>A score or threshold as the page shows it.</summary>
    public static string Score(double value) =>
        double.IsFinite(value) ? value.ToString("G5", CultureInfo.InvariantCulture) : "n/a";

    private static void WriteMetricsTable(StringBuilder sb, ReportModel model)
    {
        var input = model.Input;
        string pro = $"PRO ({ConventionName(input.ProConvention)}, FPR &le; {Number(input.Evaluation.FprLimit)})";
        sb.Append("<section id=\"metrics\">\n<h2>Metrics (%)</h2>\n<table class=\"metrics\">\n<thead>\n");
        sb.Append("<tr><th></th><th colspan=\"2\"></th><th colspan=\"3\">Image level</th><th colspan=\"4\">Pixel level</th></tr>\n");
        sb.Append("<tr><th>Class</th><th>Images</th><th>Anomalous</th><th>AUROC</th><th>AP</th><th>F1-max</th><th>AUROC</th><th>AP</th><th>F1-max</th><th>")
            .Append(pro).Append("</th></tr>\n</thead>\n<tbody>\n");
        foreach (var c in model.Classes)
        {
            var m = c.Metrics;
            sb.Append("<tr><td><a href=\"#").Append(c.Anchor).Append("\">").Append(E(m.ClassName)).Append("</a></td><td>")
                .Append(m.ImageCount.ToString(CultureInfo.InvariantCulture)).Append("</td><td>").Append(m.AnomalousImageCount.ToString(CultureInfo.InvariantCulture)).Append("</td>");
            MetricCells(sb, m.Metrics, input.ProConvention);
            sb.Append("</tr>\n");
        }
        var evaluation = input.Evaluation;
        sb.Append("</tbody>\n<tfoot>\n<tr><td>Mean</td><td>").Append(evaluation.PerClass.Sum(c => c.ImageCount).ToString(CultureInfo.InvariantCulture))
            .Append("</td><td>").Append(evaluation.PerClass.Sum(c => c.AnomalousImageCount).ToString(CultureInfo.InvariantCulture)).Append("</td>");
        MetricCells(sb, evaluation.Mean, input.ProConvention);
        sb.Append("</tr>\n</tfoot>\n</table>\n");
        sb.Append("<p class=\"muted\">AP: average precision (step-wise). F1-max: best F1 over all thresholds. Mean: each metric averaged over the classes. ")
            .Append("All three PRO conventions are in <a href=\"report.json\">report.json</a> and <a href=\"metrics.csv\">metrics.csv</a>.</p>\n</section>\n");
    }

    private static void MetricCells(StringBuilder sb, SegmentationMetrics m, ProConvention convention)
    {
        foreach (double v in (double[])[m.ImageAuroc, m.ImageAveragePrecision, m.ImageF1Max, m.PixelAuroc, m.PixelAveragePrecision, m.PixelF1Max, m.GetPixelAupro(convention)])
            sb.Append("<td>").Append(Percent(v)).Append("</td>");
    }

    private static void WriteOverlayLegend(StringBuilder sb, ReportModel model, HeatmapOverlayOptions overlay)
    {
        sb.Append("<section id=\"overlays\">\n<h2>Reading the overlays</h2>\n<div class=\"scale\"><img src=\"").Append(model.ColorBar)
            .Append("\" alt=\"Heat colour scale, cold to hot\">\n<div class=\"ends\">");
        if (overlay.Normalization == ScoreNormalization.Fixed)
        {
            double mid = 0.5 * ((double)overlay.RangeMin + overlay.RangeMax);
            sb.Append("<span>").Append(Score(overlay.RangeMin)).Append(" and below</span><span>").Append(Score(mid)).Append("</span><span>")
                .Append(Score(overlay.RangeMax)).Append(" and above</span>");
        }
        else
        {
            sb.Append("<span>lowest score of the image</span><span>highest score of the image</span>");
        }
        sb.Append("</div></div>\n<p>Each overlay is the original image at its own size with the anomaly map upsampled (bilinear) and coloured ")
            .Append(overlay.Normalization == ScoreNormalization.Fixed ? "on the fixed score range above, the same for every image" : "per image from its lowest to its highest score")
            .Append(", blended at ").Append(Math.Round(overlay.Opacity * 100).ToString(CultureInfo.InvariantCulture)).Append("% opacity. ")
            .Append("<span class=\"swatch\" style=\"background:").Append(overlay.GroundTruthColor).Append("\"></span>ground-truth defect outline; ")
            .Append("<span class=\"swatch\" style=\"background:").Append(overlay.PredictionColor).Append("\"></span>outline of the pixels scoring at or above the class's pixel threshold.</p>\n")
            .Append("<p class=\"muted\">Worst false positives: the normal images with the highest image scores. Worst false negatives: the anomalous images with the lowest image scores. ")
            .Append("Each is marked by whether it crosses the class's image threshold.</p>\n</section>\n");
    }

    private static void WriteClass(StringBuilder sb, ReportClass c)
    {
        var m = c.Metrics;
        sb.Append("<section class=\"class\" id=\"").Append(c.Anchor).Append("\">\n<h2>").Append(E(m.ClassName)).Append("</h2>\n<p class=\"summary\">")
            .Append(m.ImageCount.ToString(CultureInfo.InvariantCulture)).Append(" images (").Append(m.AnomalousImageCount.ToString(CultureInfo.InvariantCulture))
            .Append(" anomalous), ").Append(m.RegionCount.ToString(CultureInfo.InvariantCulture)).Append(" defect regions. Image threshold <b>")
            .Append(Score(c.ImageThreshold)).Append("</b> (").Append(E(c.ImageThresholdSource)).Append("); pixel threshold <b>")
            .Append(c.PixelThreshold is { } p ? Score(p) : "none").Append("</b> (").Append(E(c.PixelThresholdSource)).Append(").</p>\n");
        if (c.Curves is { } curves) Charts(sb, curves, m.ClassName, wide: false);
        sb.Append("<h3>Worst false positives</h3>\n");
        Cards(sb, c.FalsePositives, c.ImageThreshold, "No normal images in this class.");
        sb.Append("<h3>Worst false negatives</h3>\n");
        Cards(sb, c.FalseNegatives, c.ImageThreshold, "No anomalous images in this class.");
        sb.Append("</section>\n");
    }

    private static void Charts(StringBuilder sb, ReportCurveFiles files, string what, bool wide)
    {
        sb.Append(wide ? "<div class=\"charts wide\">\n" : "<div class=\"charts\">\n");
        Figure(sb, files.ImageRoc, $"Image ROC, {what}");
        Figure(sb, files.PixelRoc, $"Pixel ROC, {what}");
        Figure(sb, files.Pro, $"PRO curve, {what}");
        sb.Append("</div>\n");
    }

    private static void Figure(StringBuilder sb, string file, string alt) =>
        sb.Append("<figure><a href=\"").Append(file).Append("\"><img src=\"").Append(file).Append("\" alt=\"").Append(E(alt)).Append("\"></a></figure>\n");

    private static void Cards(StringBuilder sb, IReadOnlyList<ReportCase> cases, float threshold, string none)
    {
        if (cases.Count == 0)
        {
            sb.Append("<p class=\"muted\">").Append(none).Append("</p>\n");
            return;
        }
        sb.Append("<div class=\"cards\">\n");
        foreach (var k in cases)
        {
            bool wrong = k.PredictedAnomalous != k.IsAnomalous;
            string verdict = k.IsAnomalous ? (wrong ? "false negative" : "detected") : (wrong ? "false positive" : "correctly normal");
            string relation = !float.IsFinite(threshold) ? "" : k.Score >= threshold ? " &ge; " : " &lt; ";
            sb.Append("<figure class=\"card\"><a href=\"").Append(k.Overlay).Append("\"><img src=\"").Append(k.Overlay).Append("\" alt=\"")
                .Append(E(k.Name)).Append("\"></a>\n<figcaption><div class=\"name\">").Append(E(k.Name)).Append("</div>")
                .Append(k.IsAnomalous ? "anomalous" : "normal").Append(" &middot; score <b>").Append(Score(k.Score)).Append("</b>")
                .Append(relation.Length > 0 ? relation + "threshold " + Score(threshold) : " (no threshold)")
                .Append(" <span class=\"tag ").Append(wrong ? "bad" : "ok").Append("\">").Append(verdict).Append("</span></figcaption></figure>\n");
        }
        sb.Append("</div>\n");
    }

    private static void InfoRow(StringBuilder sb, string key, string value) =>
        sb.Append("<tr><th>").Append(E(key)).Append("</th><td>").Append(E(value)).Append("</td></tr>\n");

    private static string Number(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
