using DaClip.MLNet.Metrics;

namespace DaClip.MLNet.Reporting;

/// <summary>Everything the report's files show, resolved once (thresholds, chosen images, file names) for the writers.</summary>
internal sealed record ReportModel(AnomalyReportInput Input, IReadOnlyList<ReportClass> Classes, ReportCurveFiles? OverviewCurves, string ColorBar);

/// <summary>One class of the report.</summary>
internal sealed record ReportClass(
    ClassSegmentationMetrics Metrics,
    string Anchor,
    float ImageThreshold,
    string ImageThresholdSource,
    float? PixelThreshold,
    string PixelThresholdSource,
    ReportCurveFiles? Curves,
    IReadOnlyList<ReportCase> FalsePositives,
    IReadOnlyList<ReportCase> FalseNegatives);

/// <summary>The three chart files of a class or of all classes, relative to the report folder.</summary>
internal sealed record ReportCurveFiles(string ImageRoc, string PixelRoc, string Pro);

/// <summary>One shown image: its place in the input, what it is and the overlay file (relative to the report folder).</summary>
internal sealed record ReportCase(int Index, string Name, string? ImagePath, bool IsAnomalous, float Score, bool PredictedAnomalous, string Overlay);
