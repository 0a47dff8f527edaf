using DaClip.MLNet.Imaging;
using DaClip.MLNet.Metrics;

namespace DaClip.MLNet.Reporting;

/// <summary>
/// Collects evaluated images one at a time into an <see cref="AnomalyReportInput"/> in bounded memory: each image goes
/// to a <see cref="SegmentationEvaluator"/> (exact or streaming, per its options), its label and score are kept, and its
/// map, mask and pixels are kept only while it is among its class's worst cases (the ones the report shows), so memory
/// holds the evaluator's state plus 2 x <see cref="WorstCasesPerClass"/> maps per class. Not thread-safe.
/// </summary>
/// <example>
/// <code>
/// var builder = new AnomalyReportBuilder();
/// foreach (var item in testSet)
///     builder.Add(new AnomalyReportImage { ClassName = item.Class, IsAnomalous = item.IsAnomalous, Score = item.Score,
///                                          ImagePath = item.Path, MaskPath = item.MaskPath, AnomalyMap = item.Map });
/// AnomalyReport.Write("report", builder.Build("MVTec AD, zero-shot") with { Model = "daclip.onnx", Backbone = "ViT-L/14@336px" });
/// </code>
/// </example>
public sealed class AnomalyReportBuilder
{
    private readonly SegmentationEvaluator _evaluator;
    private readonly List<AnomalyReportImage> _images = [];
    private readonly Dictionary<(string Class, bool Anomalous), SortedSet<(float Score, int Index)>> _candidates = [];

    /// <summary>Creates a builder.</summary>
    /// <param name="evaluatorOptions">Options of the evaluator (exact or streaming mode, FPR limit); null: defaults.</param>
    /// <param name="worstCasesPerClass">Worst false positives and false negatives shown per class, 0..100.</param>
    /// <param name="fit">How the images were fitted into the model input: places masks loaded from <see cref="AnomalyReportImage.MaskPath"/> and the overlays' maps.</param>
    public AnomalyReportBuilder(SegmentationEvaluatorOptions? evaluatorOptions = null, int worstCasesPerClass = 4, ImageFit fit = ImageFit.Stretch)
    {
        AnomalyReport.ValidateWorstCases(worstCasesPerClass, nameof(worstCasesPerClass));
        if (!Enum.IsDefined(fit)) throw new ArgumentOutOfRangeException(nameof(fit), fit, "Use Stretch, Pad or Crop.");
        _evaluator = new SegmentationEvaluator(evaluatorOptions);
        WorstCasesPerClass = worstCasesPerClass;
        Fit = fit;
    }

    /// <summary>Worst cases shown per class and per kind.</summary>
    public int WorstCasesPerClass { get; }

    /// <summary>How the images were fitted into the model input.</summary>
    public ImageFit Fit { get; }

    /// <summary>Images added so far.</summary>
    public int Count => _images.Count;

    /// <summary>
    /// Adds one image. It needs <see cref="AnomalyReportImage.AnomalyMap"/> (S x S); the evaluation mask is
    /// <see cref="AnomalyReportImage.Mask"/>, else <see cref="AnomalyReportImage.MaskPath"/> loaded at S x S
    /// (<see cref="MaskLoader"/>), else none. The record is kept whole while it is a worst-case candidate; otherwise
    /// only its label, score, paths and name are.
    /// </summary>
    /// <exception cref="DaClipException">The map is missing, not square or not finite, the mask does not fit, or the evaluator rejects the image.</exception>
    public void Add(AnomalyReportImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentException.ThrowIfNullOrEmpty(image.ClassName, nameof(image));
        int index = _images.Count;
        string name = image.DisplayName(index);
        if (image.AnomalyMap is null)
            throw new DaClipException($"Image '{name}' (#{index}, class '{image.ClassName}') has no AnomalyMap; the builder evaluates the maps, so pass the model's S x S map.");
        int size = HeatmapOverlay.MapSize(image.AnomalyMap);
        byte[] mask = image.Mask ?? (image.MaskPath is { } path ? MaskLoader.Load(path, size, Fit) : []);
        if (mask.Length != 0 && mask.Length != size * size)
            throw new DaClipException($"Image '{name}' (#{index}): Mask has {mask.Length} values but the map is {size} x {size}; pass the mask at the map's size, or MaskPath.");
        _evaluator.Add(image.ClassName, image.IsAnomalous, image.Score, image.AnomalyMap, mask, size, size);

        _images.Add(Strip(image));
        var key = (image.ClassName, image.IsAnomalous);
        if (!_candidates.TryGetValue(key, out var set))
        {
            bool anomalous = image.IsAnomalous;
            set = new SortedSet<(float Score, int Index)>(Comparer<(float Score, int Index)>.Create((a, b) => WorstCases.Compare(anomalous, a, b)));
            _candidates.Add(key, set);
        }
        if (WorstCasesPerClass == 0) return;
        set.Add((image.Score, index));
        if (set.Count > WorstCasesPerClass)
        {
            var dropped = set.Max;
            set.Remove(dropped);
            if (dropped.Index == index) return;
            _images[dropped.Index] = Strip(_images[dropped.Index]);
        }
        _images[index] = image;
    }

    /// <summary>The report input of everything added so far: the metrics, the curves (at most <paramref name="maxCurvePoints"/> points each) and the images.</summary>
    public AnomalyReportInput Build(string title, int maxCurvePoints = ClassCurves.DefaultMaxPoints)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(title);
        var (result, curves) = _evaluator.EvaluateWithCurves(maxCurvePoints);
        return new AnomalyReportInput
        {
            Title = title,
            Evaluation = result,
            Curves = curves,
            Images = _images.ToArray(),
            WorstCasesPerClass = WorstCasesPerClass,
            Overlay = new HeatmapOverlayOptions { Fit = Fit },
        };
    }

    private static AnomalyReportImage Strip(AnomalyReportImage image) =>
        image with { Image = null, AnomalyMap = null, Mask = null };
}
