using System.Globalization;
using DaClip.MLNet.Imaging;
using DaClip.MLNet.IO;
using DaClip.MLNet.Pipeline;
using DaClip.MLNet.Scoring;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace DaClip.MLNet;

/// <summary>
/// The fitted DA-CLIP transformer: scores images with an exported DA-CLIP ONNX model inside ML.NET pipelines and adds
/// the columns <c>Score</c>, <c>PredictedLabel</c>, <c>ScoreCentered</c> and <c>AnomalyMap</c> (names and types in
/// <see cref="DaClipScoringOptions"/>). Immutable; safe to use from several threads (each with its own cursor or
/// prediction engine).
/// </summary>
/// <remarks>
/// <para>Internally it is a chain of built-in ML.NET transformers (see <see cref="DaClipChainLayout"/>): images are
/// decoded and resized by the same <see cref="ImagePreprocessor"/> as in training and in
/// <see cref="DaClipOnnxScorer"/>, and the ONNX model runs through ML.NET's <c>ApplyOnnxModel</c>. Saving with
/// <c>mlContext.Model.Save</c> stores that chain, the ONNX model included; <c>mlContext.Model.Load</c> gives it back
/// as a plain <c>TransformerChain</c> that scores the same, in any process that references DaClip.MLNet (the custom
/// mappings are found by the assembly name stored in the zip). <see cref="Load(MLContext, string)"/> and
/// <see cref="FromChain"/> wrap a loaded chain as a <see cref="DaClipTransformer"/> again.</para>
/// <para>ML.NET runs ONNX models one row at a time; <see cref="ScoreBatch"/> runs the same model in batches for throughput.</para>
/// <para>Dispose it to release the ONNX Runtime sessions and delete its temporary copy of the model. Disposing while
/// other threads score is safe: new calls (and reads from data views it returned) throw <see cref="ObjectDisposedException"/>,
/// and the calls already running finish before anything is released.</para>
/// </remarks>
public sealed class DaClipTransformer : ITransformer, ICanSaveModel, IDisposable
{
    private readonly MLContext _ml;
    private readonly DaClipLog _log;
    private readonly bool _ownsChain;
    private readonly OwnedModelFile _file;
    private readonly DaClipChainSpec _spec;
    private readonly int? _gpuDeviceId;
    private readonly bool _fallbackToCpu;
    private readonly Lazy<DaClipOnnxScorer> _scorer;
    private readonly InFlightGuard _guard;

    private DaClipTransformer(MLContext ml, DaClipLog log, TransformerChain<ITransformer> chain, bool ownsChain, OwnedModelFile file,
        DaClipChainSpec spec, DaClipModelContract contract, int? gpuDeviceId, bool fallbackToCpu)
    {
        _ml = ml;
        _log = log;
        Chain = chain;
        _ownsChain = ownsChain;
        _file = file;
        _spec = spec;
        Contract = contract;
        _gpuDeviceId = gpuDeviceId;
        _fallbackToCpu = fallbackToCpu;
        _scorer = new Lazy<DaClipOnnxScorer>(CreateScorer, LazyThreadSafetyMode.ExecutionAndPublication);
        _guard = new InFlightGuard(this);
    }

    /// <summary>What the embedded ONNX model says about itself (image size, fit, threshold, options, backbone, ...).</summary>
    public DaClipModelContract Contract { get; }

    /// <summary>Size of the anomaly map column and of <see cref="DaClipPrediction.AnomalyMap"/> (<see cref="DaClipScoringOptions.MapSize"/>).</summary>
    public AnomalyMapSize MapSize => _spec.MapSize;

    /// <summary>Side S of the model input and of the anomaly map (<see cref="DaClipModelContract.ImageSize"/>).</summary>
    public int ImageSize => Contract.ImageSize;

    /// <summary>How images are brought to S x S (<see cref="DaClipModelContract.Fit"/>).</summary>
    public ImageFit Fit => Contract.Fit;

    /// <summary>The threshold of the predicted label, as stored in the ONNX graph (<see cref="DaClipModelContract.Threshold"/>).</summary>
    public float Threshold => Contract.Threshold;

    /// <summary>The kind of image column this transformer reads.</summary>
    public DaClipImageKind ImageKind => _spec.ImageKind;

    /// <summary>The image column it reads.</summary>
    public string ImageColumnName => _spec.ImageColumnName;

    /// <summary>The score column it adds.</summary>
    public string ScoreColumnName => _spec.ScoreColumnName;

    /// <summary>The predicted-label column it adds.</summary>
    public string PredictedLabelColumnName => _spec.PredictedLabelColumnName;

    /// <summary>The score-minus-threshold column it adds.</summary>
    public string ScoreCenteredColumnName => _spec.ScoreCenteredColumnName;

    /// <summary>The anomaly-map column it adds.</summary>
    public string AnomalyMapColumnName => _spec.AnomalyMapColumnName;

    /// <summary>The ONNX model's metadata entries (<see cref="DaClipModelContract.Metadata"/>).</summary>
    public IReadOnlyDictionary<string, string> ModelMetadata => Contract.Metadata;

    /// <summary>
    /// The numeric precision of the ONNX graph (<see cref="DaClipModelContract.Precision"/>: <c>Float32</c>,
    /// <c>Float16</c> or <c>Int8</c>), or null for models exported before it was recorded.
    /// </summary>
    public string? Precision => Contract.Precision;

    /// <inheritdoc />
    public bool IsRowToRowMapper => ((ITransformer)Chain).IsRowToRowMapper;

    internal TransformerChain<ITransformer> Chain { get; }

    /// <summary>The temporary model copy this transformer owns.</summary>
    internal string ModelFilePath => _file.Path;

    /// <summary>The ONNX model this transformer runs (with its current threshold), e.g. to score it elsewhere.</summary>
    public byte[] GetOnnxModel()
    {
        using var lease = _guard.Enter();
        return _file.ReadAllBytes();
    }

    /// <inheritdoc />
    /// <exception cref="DaClipSchemaException">The image column is missing or of another kind than the one this transformer was built for.</exception>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        CheckInput(inputSchema);
        return Chain.GetOutputSchema(inputSchema);
    }

    /// <inheritdoc />
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
    {
        using var lease = _guard.Enter();
        CheckInput(inputSchema);
        return new GuardedRowToRowMapper(((ITransformer)Chain).GetRowToRowMapper(inputSchema), _guard);
    }

    /// <inheritdoc />
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var lease = _guard.Enter();
        CheckInput(input.Schema);
        return new GuardedDataView(Chain.Transform(input), _guard);
    }

    /// <summary>Saves the chain (what <c>mlContext.Model.Save</c> calls).</summary>
    void ICanSaveModel.Save(ModelSaveContext ctx)
    {
        using var lease = _guard.Enter();
        ((ICanSaveModel)Chain).Save(ctx);
    }

    /// <summary>
    /// Saves the transformer with <c>mlContext.Model.Save</c>, atomically: the zip appears complete at
    /// <paramref name="path"/> or not at all.
    /// </summary>
    public void Save(string path, DataViewSchema? inputSchema = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        using var lease = _guard.Enter();
        AtomicFile.Write(path, stream => _ml.Model.Save(this, inputSchema ?? DaClipChainBuilder.InputSchema(_spec), stream));
    }

    /// <summary>Loads a DA-CLIP transformer saved alone (<see cref="Save"/> or <c>mlContext.Model.Save</c>).</summary>
    /// <exception cref="DaClipFileFormatException">The file is not such a model; a pipeline containing DA-CLIP is loaded with <c>mlContext.Model.Load</c> and <see cref="FromChain"/>.</exception>
    public static DaClipTransformer Load(MLContext mlContext, string path) => Load(mlContext, path, out _);

    /// <summary>Loads a DA-CLIP transformer saved alone, and the input schema saved with it.</summary>
    /// <exception cref="DaClipFileFormatException">The file is not such a model; a pipeline containing DA-CLIP is loaded with <c>mlContext.Model.Load</c> and <see cref="FromChain"/>.</exception>
    public static DaClipTransformer Load(MLContext mlContext, string path, out DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path)) throw new DaClipFileFormatException(path, $"model file not found (full path '{Path.GetFullPath(path)}').");
        Scoring.OnnxRuntimeNative.EnsureLoaded();
        try
        {
            return LoadZip(mlContext, path, out inputSchema);
        }
        catch (Exception e) when (IsDamagedModel(e))
        {
            var cause = e;
            while (cause.InnerException is not null && cause is InvalidOperationException or System.Reflection.TargetInvocationException) cause = cause.InnerException;
            throw new DaClipFileFormatException(path,
                $"is damaged or is not an ML.NET model zip saved by DaClip.MLNet ({cause.GetType().Name}: {cause.Message.Split('\n')[0].Trim()}). " +
                "Copy the model again from where it was saved, or save it again with DaClipTransformer.Save (daclip train writes it).", e);
        }
    }

    /// <summary>
    /// Whether <paramref name="e"/>, thrown while reading a model zip, means the file's content is bad (ML.NET and the zip
    /// reader signal that with many exception types) rather than a failing disk, a refused access or a cancellation.
    /// </summary>
    private static bool IsDamagedModel(Exception e) => e switch
    {
        DaClipException or DaClipSchemaException or DaClipOptionException or OperationCanceledException or OutOfMemoryException or UnauthorizedAccessException => false,
        EndOfStreamException => true,
        IOException => false,
        _ => true,
    };

    private static DaClipTransformer LoadZip(MLContext mlContext, string path, out DataViewSchema inputSchema)
    {
        (string Entry, byte[] Bytes, DaClipOnnxModel Model) found;
        using (var zip = File.OpenRead(path))
        {
            var candidates = MLNetModelZip.OnnxModels(zip, path)
                .Select(m => (m.Entry, Bytes: m.Model, Model: DaClipOnnxModel.ParseIfMarked(m.Model, $"{path}:{m.Entry}")))
                .Where(m => m.Model?.GetMetadata(DaClipChainLayout.SpecMetadataKey) is not null)
                .Select(m => (m.Entry, m.Bytes, m.Model!))
                .ToList();
            if (candidates.Count != 1)
                throw new DaClipFileFormatException(path, candidates.Count == 0
                    ? "the model holds no DA-CLIP stage. Save a DaClipTransformer (or a pipeline ending in one) with mlContext.Model.Save."
                    : $"the model holds {candidates.Count} DA-CLIP stages ({string.Join(", ", candidates.Select(c => c.Entry))}); load it with mlContext.Model.Load and pick one with DaClipTransformer.FromChain.");
            found = candidates[0];
        }
        var loaded = mlContext.Model.Load(path, out inputSchema);
        if (loaded is not TransformerChain<ITransformer> chain || !DaClipChainBuilder.FindChains(chain).Contains(chain))
        {
            (loaded as IDisposable)?.Dispose();
            throw new DaClipFileFormatException(path, "the model is a pipeline that contains a DA-CLIP stage, not a DA-CLIP transformer alone. Load it with mlContext.Model.Load (it scores as saved) and use DaClipTransformer.FromChain to reach the DA-CLIP stage.");
        }
        return Wrap(mlContext, new DaClipLog(mlContext), chain, ownsChain: true, found.Bytes, found.Model, mlContext.GpuDeviceId, mlContext.FallbackToCpu);
    }

    /// <summary>
    /// The DA-CLIP stage of a model obtained from <c>mlContext.Model.Load</c> (the model itself or one stage of a
    /// pipeline, at any depth), as a <see cref="DaClipTransformer"/>. The stage stays owned by <paramref name="model"/>:
    /// dispose both. Reading the ONNX model back from the stage re-serialises it, which takes a while for large models;
    /// <see cref="Load(MLContext, string)"/> avoids that for a model saved alone.
    /// </summary>
    /// <exception cref="DaClipException">The model has no DA-CLIP stage, or more than one.</exception>
    public static DaClipTransformer FromChain(MLContext mlContext, ITransformer model)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentNullException.ThrowIfNull(model);
        if (model is DaClipTransformer already) return already.Rewrap(mlContext);
        var chains = DaClipChainBuilder.FindChains(model).ToList();
        if (chains.Count != 1)
            throw new DaClipException(chains.Count == 0
                ? $"The model ({model.GetType().Name}) has no DA-CLIP stage. Pass the model loaded from a zip saved with a DaClipTransformer in it."
                : $"The model has {chains.Count} DA-CLIP stages; pass the pipeline stage you want (the model is enumerable: a TransformerChain).");
        var chain = chains[0];
        byte[] onnx;
        using (var buffer = new MemoryStream())
        {
            mlContext.Model.Save(DaClipChainBuilder.OnnxStage(chain), null, buffer);
            buffer.Position = 0;
            onnx = MLNetModelZip.OnnxModels(buffer, "<loaded model>").Single().Model;
        }
        return Wrap(mlContext, new DaClipLog(mlContext), chain, ownsChain: false, onnx, DaClipOnnxModel.Parse(onnx, "<loaded model>"),
            mlContext.GpuDeviceId, mlContext.FallbackToCpu);
    }

    /// <summary>
    /// Scores the images of <paramref name="data"/> (its <see cref="ImageColumnName"/>) with ONNX Runtime in batches of
    /// <paramref name="batchSize"/> (null: <see cref="DaClipScorerOptions.DefaultBatchSize"/>, several batches at once as
    /// <see cref="DaClipScorerOptions.DefaultConcurrentBatches"/> says), outside ML.NET's row-at-a-time path; the numbers
    /// are those of <see cref="Transform"/> (for an int8 model exactly so at batch size 1: its activations are quantised
    /// per batch). Results are in row order. Cancelling <paramref name="cancellation"/> stops before the next image and
    /// ends the model runs in progress.
    /// </summary>
    /// <exception cref="ImageInputException">An image cannot be decoded.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> was cancelled.</exception>
    public IReadOnlyList<DaClipPrediction> ScoreBatch(IDataView data, int? batchSize = null, CancellationToken cancellation = default)
    {
        var stream = ScoreStream(data, batchSize, progress: null, cancellation);
        // Held for the whole call, so that a Dispose on another thread waits for it, as for the other calls.
        using var lease = _guard.Enter();
        return stream.ToList();
    }

    /// <summary>
    /// Scores the images of <paramref name="data"/> as <see cref="ScoreBatch"/> does, lazily: rows are read from the
    /// cursor only as the result is enumerated, one group of <paramref name="batchSize"/> x
    /// <see cref="DaClipScorerOptions.DefaultConcurrentBatches"/> images at a time, so memory stays bounded by that group
    /// (plus what the caller keeps) whatever the number of rows. Results are in row order, with the numbers of
    /// <see cref="ScoreBatch"/>. <paramref name="progress"/> receives the number of images scored so far after each
    /// group. Enumerate it once; dispose the enumerator (a <c>foreach</c> does) to close the cursor early.
    /// </summary>
    /// <exception cref="ImageInputException">An image cannot be decoded (thrown while enumerating).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> was cancelled (thrown while enumerating).</exception>
    public IEnumerable<DaClipPrediction> ScoreStream(IDataView data, int? batchSize = null, IProgress<int>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        int runSize = batchSize ?? DaClipScorerOptions.DefaultBatchSize;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(runSize, nameof(batchSize));
        using var lease = _guard.Enter();
        CheckInput(data.Schema);
        var scorer = _scorer.Value;
        return ImageKind == DaClipImageKind.Path
            ? scorer.ScoreStream(ReadRows<ReadOnlyMemory<char>, string>(data, (value, _) => value.ToString()), runSize,
                (path, _) => ImageDecoder.Decode(path), (path, _) => path, progress, cancellation)
            : scorer.ScoreStream(ReadDecoders(data), runSize, (read, _) => read(), (_, i) => "#" + i.ToString(CultureInfo.InvariantCulture), progress, cancellation);
    }

    /// <summary>
    /// The same model with another threshold: the ONNX graph's threshold and its <c>daclip.threshold</c> metadata are
    /// rewritten, so the value is saved with the model. The threshold is stored at the precision of the graph's
    /// threshold tensor (float32, or float16 for half-precision exports).
    /// </summary>
    public DaClipTransformer WithThreshold(float threshold)
    {
        using var lease = _guard.Enter();
        if (!float.IsFinite(threshold)) throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "The threshold must be finite.");
        var model = DaClipOnnxModel.Parse(DaClipModelContract.WithThreshold(_file.ReadAllBytes(), threshold, "<DaClipTransformer model>"), "<DaClipTransformer model>");
        _log.Info($"Threshold set to {model.Contract.Threshold.ToString("R", CultureInfo.InvariantCulture)} (was {Threshold.ToString("R", CultureInfo.InvariantCulture)}).");
        return Build(_ml, _log, model, _spec, _gpuDeviceId, _fallbackToCpu);
    }

    /// <summary>
    /// Calibrates the threshold on images of normal objects only: the smallest threshold that flags at most
    /// <paramref name="maxFalsePositiveRate"/> of them (equivalently, their score quantile 1 − rate); see
    /// <see cref="DaClipThresholds.ForFalsePositiveRate"/>.
    /// </summary>
    /// <returns>A new transformer with the threshold baked into its model.</returns>
    public DaClipTransformer CalibrateThreshold(IDataView normalImages, double maxFalsePositiveRate = 0.05)
    {
        var scores = ScoreBatch(normalImages).Select(p => p.Score).ToArray();
        if (scores.Length == 0) throw new DaClipException("CalibrateThreshold received no images: give a set of normal images.");
        float t = DaClipThresholds.ForFalsePositiveRate(scores, maxFalsePositiveRate);
        _log.Info($"Threshold from {scores.Length} normal images at a false-positive rate of at most {maxFalsePositiveRate}: {t.ToString("R", CultureInfo.InvariantCulture)}.");
        return WithThreshold(t);
    }

    /// <summary>
    /// Calibrates the threshold on labelled images: the threshold with the best F1 score for the anomalous class (see
    /// <see cref="DaClipThresholds.MaxF1"/>). The label column is <c>Boolean</c> or <c>Single</c> (1 = anomalous).
    /// </summary>
    /// <returns>A new transformer with the threshold baked into its model.</returns>
    public DaClipTransformer CalibrateThresholdF1(IDataView labelledImages, string labelColumnName = DaClipDefaults.LabelColumnName)
    {
        ArgumentNullException.ThrowIfNull(labelledImages);
        var labels = DaClipLabels.Read(labelledImages, labelColumnName);
        var scores = ScoreBatch(labelledImages).Select(p => p.Score).ToArray();
        var (t, f1) = DaClipThresholds.MaxF1(scores, labels);
        _log.Info($"F1-adaptive threshold from {scores.Length} labelled images: {t.ToString("R", CultureInfo.InvariantCulture)} (F1 {f1:F4}).");
        return WithThreshold(t);
    }

    /// <summary>
    /// Releases the ONNX Runtime sessions (when it owns its chain) and deletes the temporary model copy, once the calls
    /// already running on other threads have finished; later calls throw <see cref="ObjectDisposedException"/>.
    /// </summary>
    public void Dispose()
    {
        if (!_guard.Close()) return;
        if (_scorer.IsValueCreated) _scorer.Value.Dispose();
        if (_ownsChain) Chain.Dispose();
        _file.Dispose();
    }

    /// <summary>Wraps ONNX bytes of an exported DA-CLIP model for the given image column kind.</summary>
    /// <remarks>
    /// The ONNX Runtime device is <see cref="DaClipScoringOptions.GpuDeviceId"/> with its
    /// <see cref="DaClipScoringOptions.FallbackToCpu"/>, or, when the options give no device, <paramref name="ml"/>'s
    /// <c>GpuDeviceId</c> and <c>FallbackToCpu</c> (ML.NET's rule for <c>ApplyOnnxModel</c>).
    /// </remarks>
    internal static DaClipTransformer Create(MLContext ml, DaClipLog log, byte[] onnx, string source, DaClipScoringOptions options, DaClipImageKind kind)
    {
        options.Validate();
        var (gpuDeviceId, fallbackToCpu) = options.GpuDeviceId is null && ml.GpuDeviceId is int contextGpu
            ? (contextGpu, ml.FallbackToCpu)
            : (options.GpuDeviceId, options.FallbackToCpu);
        var model = DaClipOnnxModel.Parse(onnx, source);
        // Overrides of the options go into the model's contract, which stays the one home of the threshold and the fit.
        if (options.Threshold is float t) model.SetThreshold(t);
        if (options.Fit is { } fit) model.SetMetadata(DaClipModelMetadata.ImageFit, fit.ToString());
        var spec = new DaClipChainSpec
        {
            ImageColumnName = options.ImageColumnName,
            ImageKind = kind,
            ScoreColumnName = options.ScoreColumnName,
            PredictedLabelColumnName = options.PredictedLabelColumnName,
            ScoreCenteredColumnName = options.ScoreCenteredColumnName,
            AnomalyMapColumnName = options.AnomalyMapColumnName,
            MapSize = options.MapSize,
        };
        model.SetMetadata(DaClipChainLayout.SpecMetadataKey, spec.ToJson());
        var c = model.Contract;
        log.Info($"DA-CLIP model {source}: {c.Precision ?? "precision not recorded"}, input {c.ImageSize} x {c.ImageSize} ({c.Fit}), threshold {c.Threshold.ToString("R", CultureInfo.InvariantCulture)}, " +
            $"images from column '{spec.ImageColumnName}' ({spec.ImageKind}), ONNX Runtime on {(gpuDeviceId is int g ? $"GPU {g}" + (fallbackToCpu ? " (CPU fallback)" : "") : "CPU")}.");
        return Build(ml, log, model, spec, gpuDeviceId, fallbackToCpu);
    }

    private static DaClipTransformer Build(MLContext ml, DaClipLog log, DaClipOnnxModel model, DaClipChainSpec spec, int? gpuDeviceId, bool fallbackToCpu)
    {
        var file = new OwnedModelFile(model.ToBytes(), ml.TempFilePath);
        try
        {
            var chain = DaClipChainBuilder.Build(ml, spec, model.Contract, file.Path, gpuDeviceId, fallbackToCpu);
            return new DaClipTransformer(ml, log, chain, ownsChain: true, file, spec, model.Contract, gpuDeviceId, fallbackToCpu);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    private static DaClipTransformer Wrap(MLContext ml, DaClipLog log, TransformerChain<ITransformer> chain, bool ownsChain, byte[] onnx, DaClipOnnxModel model,
        int? gpuDeviceId, bool fallbackToCpu)
    {
        var json = model.GetMetadata(DaClipChainLayout.SpecMetadataKey)
            ?? throw new DaClipFileFormatException(model.Source, $"the ONNX model lacks the '{DaClipChainLayout.SpecMetadataKey}' metadata that DaClipTransformer writes. Save the model again with DaClip.MLNet.");
        var spec = DaClipChainSpec.FromJson(json, model.Source);
        var file = new OwnedModelFile(onnx, ml.TempFilePath);
        return new DaClipTransformer(ml, log, chain, ownsChain, file, spec, model.Contract, gpuDeviceId, fallbackToCpu);
    }

    private DaClipTransformer Rewrap(MLContext ml)
    {
        using var lease = _guard.Enter();
        return new DaClipTransformer(ml, new DaClipLog(ml), Chain, ownsChain: false, new OwnedModelFile(_file.ReadAllBytes(), ml.TempFilePath),
            _spec, Contract, _gpuDeviceId, _fallbackToCpu);
    }

    private void CheckInput(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        ObjectDisposedException.ThrowIf(_guard.IsClosed, this);
        var kind = DaClipColumns.ImageKind(inputSchema, ImageColumnName);
        if (kind != ImageKind)
            throw new DaClipSchemaException("image", ImageColumnName, DaClipColumns.Describe(ImageKind) + " (the form it was fitted with)",
                inputSchema[ImageColumnName].Type.ToString(), "Give images in the same form as when fitting (path, bytes or image), or fit again.");
        DaClipColumns.CheckNoInternalColumns(inputSchema.Select(c => c.Name));
    }

    private DaClipOnnxScorer CreateScorer()
    {
        var provider = _gpuDeviceId is null ? ExecutionProvider.Cpu : _fallbackToCpu ? ExecutionProvider.Auto : ExecutionProvider.Cuda;
        return new DaClipOnnxScorer(_file.Path, new DaClipScorerOptions { Provider = provider, GpuDeviceId = _gpuDeviceId ?? 0, Fit = Fit, MapSize = _spec.MapSize, Log = _log.AsAction() });
    }

    /// <summary>The image column's values, read one row at a time as the result is enumerated.</summary>
    private IEnumerable<TOut> ReadRows<TValue, TOut>(IDataView data, Func<TValue, long, TOut> convert)
    {
        var column = data.Schema[ImageColumnName];
        using var cursor = data.GetRowCursor([column]);
        var getter = cursor.GetGetter<TValue>(column);
        TValue value = default!;
        long row = 0;
        while (cursor.MoveNext())
        {
            getter(ref value);
            yield return convert(value, row++);
        }
    }

    /// <summary>
    /// Per row, a function that decodes the image: encoded bytes are copied now and decoded when the scorer asks (in
    /// parallel within a batch); ML.NET images are converted now, while the cursor's image is valid.
    /// </summary>
    private IEnumerable<Func<RgbImage>> ReadDecoders(IDataView data) => ImageKind == DaClipImageKind.EncodedBytes
        ? ReadRows<VBuffer<byte>, Func<RgbImage>>(data, (value, row) =>
        {
            var bytes = value.DenseValues().ToArray();
            return () => ImageDecoder.Decode(bytes, $"row {row}");
        })
        : ReadRows<MLImage, Func<RgbImage>>(data, (value, row) =>
        {
            var image = ImageDecoder.FromMLImage(value ?? throw new ImageInputException($"row {row}", "the image is missing (null)."), $"row {row}");
            return () => image;
        });
}
