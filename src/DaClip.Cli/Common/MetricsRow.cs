using DaClip.MLNet.Metrics;

namespace DaClip.Cli.Common;

/// <summary>
/// One row of the metrics table, CSV and JSON: a class (or the mean over classes, with the counts summed), its counts
/// and every metric as a fraction in [0, 1]; null where the metric is undefined on the data (NaN in the evaluator).
/// </summary>
internal sealed record MetricsRow
{
    public required string Scope { get; init; }
    public required string Class { get; init; }
    public required int Images { get; init; }
    public required int AnomalousImages { get; init; }
    public required long NormalPixels { get; init; }
    public required long AnomalousPixels { get; init; }
    public required int Regions { get; init; }
    public required double? ImageAuroc { get; init; }
    public required double? ImageAp { get; init; }
    public required double? ImageF1Max { get; init; }
    public required double? PixelAuroc { get; init; }
    public required double? PixelAp { get; init; }
    public required double? PixelF1Max { get; init; }
    public required double? PixelAuproExact { get; init; }
    public required double? PixelAuproAnomalyClip { get; init; }
    public required double? PixelAuproAnomalib { get; init; }

    /// <summary>The PRO area in <paramref name="convention"/>.</summary>
    public double? Pro(ProConvention convention) => convention switch
    {
        ProConvention.AnomalyClip => PixelAuproAnomalyClip,
        ProConvention.Anomalib => PixelAuproAnomalib,
        _ => PixelAuproExact,
    };

    /// <summary>The rows of <paramref name="result"/>: one per class, in the evaluation's order, then the mean.</summary>
    public static IReadOnlyList<MetricsRow> From(SegmentationEvaluationResult result)
    {
        var rows = result.PerClass.Select(c => Of("class", c.ClassName, c.ImageCount, c.AnomalousImageCount, c.NormalPixelCount, c.AnomalousPixelCount, c.RegionCount, c.Metrics)).ToList();
        var all = result.PerClass;
        rows.Add(Of("mean", "", all.Sum(c => c.ImageCount), all.Sum(c => c.AnomalousImageCount), all.Sum(c => c.NormalPixelCount),
            all.Sum(c => c.AnomalousPixelCount), all.Sum(c => c.RegionCount), result.Mean));
        return rows;
    }

    private static MetricsRow Of(string scope, string name, int images, int anomalous, long normalPixels, long anomalousPixels, int regions, SegmentationMetrics m) => new()
    {
        Scope = scope,
        Class = name,
        Images = images,
        AnomalousImages = anomalous,
        NormalPixels = normalPixels,
        AnomalousPixels = anomalousPixels,
        Regions = regions,
        ImageAuroc = Defined(m.ImageAuroc),
        ImageAp = Defined(m.ImageAveragePrecision),
        ImageF1Max = Defined(m.ImageF1Max),
        PixelAuroc = Defined(m.PixelAuroc),
        PixelAp = Defined(m.PixelAveragePrecision),
        PixelF1Max = Defined(m.PixelF1Max),
        PixelAuproExact = Defined(m.PixelAuproExact),
        PixelAuproAnomalyClip = Defined(m.PixelAuproAnomalyClip),
        PixelAuproAnomalib = Defined(m.PixelAuproAnomalib),
    };

    private static double? Defined(double value) => double.IsFinite(value) ? value : null;
}
