namespace DaClip.MLNet.Metrics;

/// <summary>
/// Evaluates anomaly maps and image scores the way the zero-shot anomaly-detection literature reports them: per class,
/// image AUROC / AP / F1-max, pixel AUROC / AP / F1-max and the PRO area in all three <see cref="ProConvention"/>s, then
/// the mean over classes. Add the images one by one (any class order), then call <see cref="Evaluate()"/>; it may be
/// called again after more images are added. Not thread-safe: add from one thread at a time.
/// </summary>
/// <example>
/// <code>
/// var evaluator = new SegmentationEvaluator(new SegmentationEvaluatorOptions { Mode = SegmentationEvaluationMode.Streaming });
/// foreach (var image in testSet)
///     evaluator.Add(image.Class, image.IsAnomalous, image.Score, image.Map, image.Mask, height, width);
/// var result = evaluator.Evaluate();
/// Console.WriteLine($"pixel AUROC {result.Mean.PixelAuroc:F4}, PRO (MVTec) {result.Mean.PixelAuproExact:F4}");
/// </code>
/// </example>
public sealed class SegmentationEvaluator
{
    private readonly List<ClassState> _classes = [];
    private readonly Dictionary<string, ClassState> _byName = new(StringComparer.Ordinal);
    private int[] _labels = [];

    /// <summary>Creates an evaluator; <paramref name="options"/> are validated and copied.</summary>
    public SegmentationEvaluator(SegmentationEvaluatorOptions? options = null)
    {
        options ??= new SegmentationEvaluatorOptions();
        if (!Enum.IsDefined(options.Mode))
            throw new ArgumentOutOfRangeException(nameof(options), options.Mode, "SegmentationEvaluatorOptions.Mode must be Exact or Streaming.");
        if (!(options.FprLimit > 0 && options.FprLimit <= 1))
            throw new ArgumentOutOfRangeException(nameof(options), options.FprLimit, "SegmentationEvaluatorOptions.FprLimit must lie in (0, 1]; the literature uses 0.3.");
        if (options.AnomalyClipThresholdCount < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.AnomalyClipThresholdCount, "SegmentationEvaluatorOptions.AnomalyClipThresholdCount must be at least 1; AnomalyCLIP uses 200.");
        if (options.StreamingMantissaBits is < 4 or > 20)
            throw new ArgumentOutOfRangeException(nameof(options), options.StreamingMantissaBits, "SegmentationEvaluatorOptions.StreamingMantissaBits must lie in 4..20 (default 16).");
        Mode = options.Mode;
        FprLimit = options.FprLimit;
        AnomalyClipThresholdCount = options.AnomalyClipThresholdCount;
        StreamingMantissaBits = options.StreamingMantissaBits;
    }

    /// <summary>Exact or streaming.</summary>
    public SegmentationEvaluationMode Mode { get; }

    /// <summary>FPR limit of the PRO areas.</summary>
    public double FprLimit { get; }

    /// <summary>Threshold count of the AnomalyCLIP PRO convention.</summary>
    public int AnomalyClipThresholdCount { get; }

    /// <summary>Histogram resolution of the streaming mode.</summary>
    public int StreamingMantissaBits { get; }

    /// <summary>Images added so far.</summary>
    public int ImageCount { get; private set; }

    /// <summary>Adds one image.</summary>
    public void Add(SegmentationSample sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        Add(sample.ClassName, sample.IsAnomalous, sample.ImageScore, sample.AnomalyMap, sample.Mask, sample.Height, sample.Width);
    }

    /// <summary>Adds one image.</summary>
    /// <param name="className">The image's class; metrics are computed per class.</param>
    /// <param name="isAnomalous">Ground-truth image label. An image may be anomalous without anomalous pixels, but an image labelled normal must not have any.</param>
    /// <param name="imageScore">Image anomaly score (finite).</param>
    /// <param name="anomalyMap">Pixel scores, row-major, <paramref name="height"/> x <paramref name="width"/>, all finite; copied or counted, not kept.</param>
    /// <param name="mask">Ground truth, row-major, non-zero = anomalous; empty for an image without anomalous pixels.</param>
    /// <param name="height">Rows.</param>
    /// <param name="width">Columns.</param>
    public void Add(string className, bool isAnomalous, float imageScore, ReadOnlySpan<float> anomalyMap, ReadOnlySpan<byte> mask, int height, int width)
    {
        ArgumentException.ThrowIfNullOrEmpty(className);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        string Image() => $"class '{className}', image #{ImageCount} (0-based, in the order added)";
        long pixels = (long)height * width;
        if (anomalyMap.Length != pixels)
            throw new ArgumentException($"{Image()}: the anomaly map has {anomalyMap.Length} values but height x width is {height} x {width} = {pixels}.", nameof(anomalyMap));
        if (!mask.IsEmpty && mask.Length != pixels)
            throw new ArgumentException($"{Image()}: the mask has {mask.Length} values but height x width is {height} x {width} = {pixels}; pass an empty mask for an image without anomalous pixels.", nameof(mask));
        if (!ScoreKeys.IsFinite(imageScore))
            throw new DaClipException($"{Image()}: the image score is {imageScore}; scores must be finite.");
        int bad = ScoreKeys.IndexOfNonFinite(anomalyMap);
        if (bad >= 0)
            throw new DaClipException($"{Image()}: anomaly map pixel (row {bad / width}, column {bad % width}) is {anomalyMap[bad]}; every pixel score must be finite.");

        int regionCount = 0;
        int[] sizes = [];
        if (!mask.IsEmpty && mask.ContainsAnyExcept((byte)0))
        {
            if (!isAnomalous)
                throw new DaClipException($"{Image()}: the image is labelled normal but its mask marks anomalous pixels; fix the label or the mask.");
            if (_labels.Length < pixels) _labels = new int[pixels];
            var labels = _labels.AsSpan(0, (int)pixels);
            regionCount = ConnectedComponents.Label8(mask, height, width, labels);
            sizes = ConnectedComponents.RegionSizes(labels, regionCount);
        }

        if (!_byName.TryGetValue(className, out var state))
        {
            state = new ClassState(className, CreateAccumulator());
            _byName.Add(className, state);
            _classes.Add(state);
        }
        state.Pixels.Add(anomalyMap, regionCount > 0 ? _labels.AsSpan(0, (int)pixels) : [], sizes);
        state.ImageScores.Add(imageScore);
        state.ImageLabels.Add(isAnomalous);
        ImageCount++;
    }

    /// <summary>Computes the metrics of everything added so far.</summary>
    public SegmentationEvaluationResult Evaluate() => Evaluate(null, int.MaxValue);

    /// <summary>
    /// Computes the metrics of everything added so far and, from the same score tables, each class's curves (image ROC,
    /// pixel ROC, PRO up to <see cref="FprLimit"/>) and F1-max thresholds. The classes' tables are built one at a time,
    /// as <see cref="Evaluate()"/> does, so memory peaks at one class's pixel table.
    /// </summary>
    /// <param name="maxCurvePoints">Point budget of each curve (at least 3; see <see cref="RocCurve.Compute"/>); <see cref="int.MaxValue"/> keeps every level.</param>
    public (SegmentationEvaluationResult Result, IReadOnlyList<ClassCurves> Curves) EvaluateWithCurves(int maxCurvePoints = ClassCurves.DefaultMaxPoints)
    {
        CurveReducer.ValidateMaxPoints(maxCurvePoints);
        var curves = new List<ClassCurves>(_classes.Count);
        return (Evaluate(curves, maxCurvePoints), curves);
    }

    private SegmentationEvaluationResult Evaluate(List<ClassCurves>? curves, int maxCurvePoints)
    {
        var perClass = new List<ClassSegmentationMetrics>(_classes.Count);
        foreach (var state in _classes)
        {
            var images = ScoreLevelTable.FromScores(state.ImageScores.ToArray(), state.ImageLabels.ToArray());
            var pixels = state.Pixels.ToTable();
            perClass.Add(new ClassSegmentationMetrics
            {
                ClassName = state.Name,
                ImageCount = state.ImageScores.Count,
                AnomalousImageCount = state.ImageLabels.Count(l => l),
                NormalPixelCount = pixels.NegativeCount,
                AnomalousPixelCount = pixels.PositiveCount,
                RegionCount = pixels.RegionCount,
                Metrics = new SegmentationMetrics
                {
                    ImageAuroc = BinaryRankingMetrics.Auroc(images),
                    ImageAveragePrecision = BinaryRankingMetrics.AveragePrecision(images),
                    ImageF1Max = BinaryRankingMetrics.F1Max(images),
                    PixelAuroc = BinaryRankingMetrics.Auroc(pixels),
                    PixelAveragePrecision = BinaryRankingMetrics.AveragePrecision(pixels),
                    PixelF1Max = BinaryRankingMetrics.F1Max(pixels),
                    PixelAuproExact = ProExact.Area(pixels, FprLimit),
                    PixelAuproAnomalyClip = ProAnomalyClip.Area(pixels, FprLimit, AnomalyClipThresholdCount),
                    PixelAuproAnomalib = ProAnomalib.Area(pixels, FprLimit),
                },
            });
            curves?.Add(new ClassCurves
            {
                ClassName = state.Name,
                ImageRoc = RocCurve.Compute(images, maxCurvePoints),
                PixelRoc = RocCurve.Compute(pixels, maxCurvePoints),
                Pro = ProCurve.Compute(pixels, FprLimit, maxCurvePoints),
                FprLimit = FprLimit,
                ImageF1Threshold = BinaryRankingMetrics.F1MaxThreshold(images),
                PixelF1Threshold = BinaryRankingMetrics.F1MaxThreshold(pixels),
            });
        }
        return new SegmentationEvaluationResult
        {
            Mode = Mode,
            FprLimit = FprLimit,
            PerClass = perClass,
            Mean = SegmentationMetrics.Mean(perClass.Select(c => c.Metrics).ToList()),
        };
    }

    /// <summary>Evaluates a sequence of samples in one call.</summary>
    public static SegmentationEvaluationResult Evaluate(IEnumerable<SegmentationSample> samples, SegmentationEvaluatorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var evaluator = new SegmentationEvaluator(options);
        foreach (var sample in samples) evaluator.Add(sample);
        return evaluator.Evaluate();
    }

    private PixelScoreAccumulator CreateAccumulator() => Mode == SegmentationEvaluationMode.Exact
        ? new ExactPixelScores()
        : new HistogramPixelScores(StreamingMantissaBits);

    private sealed record ClassState(string Name, PixelScoreAccumulator Pixels)
    {
        public List<float> ImageScores { get; } = [];
        public List<bool> ImageLabels { get; } = [];
    }
}
