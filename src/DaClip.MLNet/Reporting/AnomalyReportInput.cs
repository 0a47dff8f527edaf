using DaClip.MLNet.Metrics;

namespace DaClip.MLNet.Reporting;

/// <summary>What an <see cref="AnomalyReport"/> shows: the run, the metrics, the curves and the evaluated images.</summary>
public sealed record AnomalyReportInput
{
    /// <summary>Report title (page heading).</summary>
    public required string Title { get; init; }

    /// <summary>The model (e.g. a checkpoint or ONNX file name); shown when set.</summary>
    public string? Model { get; init; }

    /// <summary>The backbone (e.g. <c>ViT-L/14@336px</c>); shown when set.</summary>
    public string? Backbone { get; init; }

    /// <summary>Further facts about the run (dataset, image size, prompts, ...), shown in order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> RunInfo { get; init; } = [];

    /// <summary>When the run was made; shown and stored when set (null keeps the report byte-identical across runs).</summary>
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>The metrics (<see cref="SegmentationEvaluator.Evaluate()"/>); its classes are the report's classes, in its order.</summary>
    public required SegmentationEvaluationResult Evaluation { get; init; }

    /// <summary>Per class the curves and F1-max thresholds (<see cref="SegmentationEvaluator.EvaluateWithCurves"/>); classes without curves get no charts.</summary>
    public IReadOnlyList<ClassCurves> Curves { get; init; } = [];

    /// <summary>Every evaluated image (the worst cases are chosen among them), each class's count matching the evaluation's.</summary>
    public required IReadOnlyList<AnomalyReportImage> Images { get; init; }

    /// <summary>Image score threshold per class; a class not listed uses the F1-max threshold of its image scores.</summary>
    public IReadOnlyDictionary<string, float>? ImageThresholds { get; init; }

    /// <summary>Pixel score threshold per class for the predicted outline; a class not listed uses its curves' pixel F1-max threshold, or draws no predicted outline without curves.</summary>
    public IReadOnlyDictionary<string, float>? PixelThresholds { get; init; }

    /// <summary>The PRO convention of the metrics table (all three are in report.json and metrics.csv). Default <see cref="ProConvention.Exact"/>.</summary>
    public ProConvention ProConvention { get; init; } = ProConvention.Exact;

    /// <summary>How many worst false positives and worst false negatives to show per class, 0..100. Default 4.</summary>
    public int WorstCasesPerClass { get; init; } = 4;

    /// <summary>Overlay settings (normalisation, opacity, fit, colours); the threshold of each overlay is its class's pixel threshold. Null: defaults.</summary>
    public HeatmapOverlayOptions? Overlay { get; init; }
}
