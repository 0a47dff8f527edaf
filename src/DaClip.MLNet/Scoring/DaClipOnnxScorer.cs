using System.Globalization;
using System.Runtime.ExceptionServices;
using DaClip.MLNet.Imaging;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace DaClip.MLNet.Scoring;

/// <summary>
/// Scores images with an exported DA-CLIP ONNX model on ONNX Runtime: decodes and resizes them with
/// <see cref="ImagePreprocessor"/> (the path training uses), runs them in batches, and returns one
/// <see cref="DaClipPrediction"/> per image. Reads and checks the model's <see cref="DaClipModelContract"/> at load time
/// (the same validation as the ML.NET transformer's). Safe to call from several threads at once
/// (ONNX Runtime sessions run concurrently). <see cref="Dispose"/> may be called while other threads score: it refuses
/// new calls (<see cref="ObjectDisposedException"/>) and waits for the running ones to finish before it releases the session.
/// </summary>
public sealed class DaClipOnnxScorer : IDisposable
{
    private readonly InferenceSession _session;
    private readonly DaClipScorerOptions _options;
    private readonly InFlightGuard _guard;

    /// <summary>Loads the model file at <paramref name="modelPath"/> (with its <c>.data</c> side file when it has one).</summary>
    /// <exception cref="DaClipFileFormatException">Missing file, not an ONNX model, or not a DA-CLIP model.</exception>
    /// <exception cref="ExecutionProviderUnavailableException">CUDA / TensorRT was requested explicitly and cannot start.</exception>
    public DaClipOnnxScorer(string modelPath, DaClipScorerOptions? options = null)
        : this(modelPath ?? throw new ArgumentNullException(nameof(modelPath)), null, modelPath, options) { }

    /// <summary>Loads a serialised model (all tensors inline); <paramref name="modelName"/> names it in messages.</summary>
    /// <exception cref="DaClipFileFormatException">Not an ONNX model, or not a DA-CLIP model.</exception>
    /// <exception cref="ExecutionProviderUnavailableException">CUDA / TensorRT was requested explicitly and cannot start.</exception>
    public DaClipOnnxScorer(byte[] model, DaClipScorerOptions? options = null, string modelName = "<model bytes>")
        : this(null, model ?? throw new ArgumentNullException(nameof(model)), modelName, options) { }

    private DaClipOnnxScorer(string? path, byte[]? bytes, string name, DaClipScorerOptions? options)
    {
        _guard = new InFlightGuard(this);
        _options = options ?? new DaClipScorerOptions();
        if (_options.MaxDecodeParallelism <= 0) throw new ArgumentOutOfRangeException(nameof(options), _options.MaxDecodeParallelism, "MaxDecodeParallelism must be positive.");
        if (_options.ConcurrentBatches <= 0) throw new ArgumentOutOfRangeException(nameof(options), _options.ConcurrentBatches, "ConcurrentBatches must be positive.");
        if (!Enum.IsDefined(_options.MapSize)) throw new ArgumentOutOfRangeException(nameof(options), _options.MapSize, "MapSize must be Model or Source.");
        ModelSource = name;
        var log = _options.Log ?? (message => System.Diagnostics.Trace.WriteLine(message, "DaClip.MLNet"));
        (_session, ExecutionProvider) = OnnxSessionFactory.Create(path, bytes, name, _options, log);
        try
        {
            Contract = DaClipModelContract.Read(_session, name);
            Preprocessor = new ImagePreprocessor(ImageSize, _options.Fit ?? Contract.Fit);
        }
        catch
        {
            _session.Dispose();
            throw;
        }
    }

    /// <summary>The model's path, or the name given for in-memory bytes.</summary>
    public string ModelSource { get; }

    /// <summary>The provider the session actually runs on (CPU after an <see cref="ExecutionProvider.Auto"/> fallback).</summary>
    public ExecutionProvider ExecutionProvider { get; }

    /// <summary>What the model says about itself (image size, fit, threshold, options, backbone, precision, ...).</summary>
    public DaClipModelContract Contract { get; }

    /// <summary>Side S of the model's square input and of <see cref="DaClipPrediction.AnomalyMap"/> (<see cref="DaClipModelContract.ImageSize"/>).</summary>
    public int ImageSize => Contract.ImageSize;

    /// <summary>The threshold baked into <c>predicted_label</c> (<see cref="DaClipModelContract.Threshold"/>).</summary>
    public float Threshold => Contract.Threshold;

    /// <summary>
    /// The numeric precision the model was exported with (<see cref="DaClipModelContract.Precision"/>: <c>Float32</c>,
    /// <c>Float16</c> or <c>Int8</c>), or null for models exported before it was recorded (Float32 or Float16).
    /// </summary>
    public string? Precision => Contract.Precision;

    /// <summary>The model's <c>metadata_props</c> (<see cref="DaClipModelContract.Metadata"/>).</summary>
    public IReadOnlyDictionary<string, string> Metadata => Contract.Metadata;

    /// <summary>Batches a multi-image <c>Score</c> call runs at once (<see cref="DaClipScorerOptions.ConcurrentBatches"/>).</summary>
    public int ConcurrentBatches => _options.ConcurrentBatches;

    /// <summary>The preprocessing applied to every image (S x S, the fit in use).</summary>
    public ImagePreprocessor Preprocessor { get; }

    /// <summary>The size of the returned anomaly maps (<see cref="DaClipScorerOptions.MapSize"/>).</summary>
    public AnomalyMapSize MapSize => _options.MapSize;

    /// <summary>Scores one image file.</summary>
    /// <exception cref="ImageInputException">The image cannot be decoded.</exception>
    public DaClipPrediction Score(string imagePath) => Score([imagePath], 1)[0];

    /// <summary>
    /// Scores image files, <paramref name="batchSize"/> per model run (null: <see cref="DaClipScorerOptions.DefaultBatchSize"/>),
    /// up to <see cref="DaClipScorerOptions.ConcurrentBatches"/> runs at once; results in input order. Cancelling
    /// <paramref name="cancellation"/> stops before the next image is decoded and ends the model runs in progress.
    /// </summary>
    /// <exception cref="ImageInputException">An image cannot be decoded (the first failing one in input order is reported).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> was cancelled.</exception>
    public IReadOnlyList<DaClipPrediction> Score(IReadOnlyList<string> imagePaths, int? batchSize = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(imagePaths);
        return ScoreBatched(imagePaths, batchSize, (path, _) => ImageDecoder.Decode(path), (path, _) => path, cancellation);
    }

    /// <summary>Scores ML.NET images (see <see cref="ImageDecoder.FromMLImage"/>) as <see cref="Score(IReadOnlyList{string}, int?, CancellationToken)"/> does; results in input order.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> was cancelled.</exception>
    public IReadOnlyList<DaClipPrediction> Score(IReadOnlyList<MLImage> images, int? batchSize = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(images);
        return ScoreBatched(images, batchSize, (image, i) => ImageDecoder.FromMLImage(image, Index(i)), (_, i) => Index(i), cancellation);
    }

    /// <summary>Scores decoded images as <see cref="Score(IReadOnlyList{string}, int?, CancellationToken)"/> does; results in input order.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> was cancelled.</exception>
    public IReadOnlyList<DaClipPrediction> Score(IReadOnlyList<RgbImage> images, int? batchSize = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(images);
        return ScoreBatched(images, batchSize, (image, _) => image, (_, i) => Index(i), cancellation);
    }

    /// <summary>
    /// Scores image files lazily, in input order: the files are read from <paramref name="imagePaths"/> only as the
    /// result is enumerated, <paramref name="batchSize"/> per model run (null: <see cref="DaClipScorerOptions.DefaultBatchSize"/>)
    /// and up to <see cref="ConcurrentBatches"/> runs at once, so at most <c>batchSize x ConcurrentBatches</c> images and
    /// their maps are held by the scorer at any time, however many files there are. <paramref name="progress"/> receives
    /// the number of images scored so far after each group of runs. Cancelling <paramref name="cancellation"/> stops
    /// before the next image is decoded and ends the model runs in progress.
    /// </summary>
    /// <exception cref="ImageInputException">An image cannot be decoded (thrown while enumerating, for the first failing one).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> was cancelled (thrown while enumerating).</exception>
    public IEnumerable<DaClipPrediction> ScoreStream(IEnumerable<string> imagePaths, int? batchSize = null, IProgress<int>? progress = null,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(imagePaths);
        return ScoreStream(imagePaths, batchSize, (path, _) => ImageDecoder.Decode(path), (path, _) => path, progress, cancellation);
    }

    /// <summary>
    /// Scores decoded images lazily as <see cref="ScoreStream(IEnumerable{string}, int?, IProgress{int}?, CancellationToken)"/>
    /// does: an image is taken from <paramref name="images"/> only when its group of runs is about to be scored.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> was cancelled (thrown while enumerating).</exception>
    public IEnumerable<DaClipPrediction> ScoreStream(IEnumerable<RgbImage> images, int? batchSize = null, IProgress<int>? progress = null,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(images);
        return ScoreStream(images, batchSize, (image, _) => image, (_, i) => Index(i), progress, cancellation);
    }

    /// <summary>
    /// The streaming core: checks the arguments now and returns the lazy sequence. <paramref name="decode"/> and
    /// <paramref name="describe"/> receive each item with its position in the whole input.
    /// </summary>
    internal IEnumerable<DaClipPrediction> ScoreStream<T>(IEnumerable<T> items, int? batchSizeOrDefault, Func<T, int, RgbImage> decode,
        Func<T, int, string> describe, IProgress<int>? progress, CancellationToken cancellation)
    {
        int batchSize = batchSizeOrDefault ?? DaClipScorerOptions.DefaultBatchSize;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize, nameof(batchSizeOrDefault));
        ObjectDisposedException.ThrowIf(_guard.IsClosed, this);
        return Stream(items, batchSize, decode, describe, progress, cancellation);
    }

    private IEnumerable<DaClipPrediction> Stream<T>(IEnumerable<T> items, int batchSize, Func<T, int, RgbImage> decode, Func<T, int, string> describe,
        IProgress<int>? progress, CancellationToken cancellation)
    {
        // One group is what one Score call runs at once (ConcurrentBatches batches); the next group is read only after
        // the caller has taken this one's predictions.
        int group = batchSize * _options.ConcurrentBatches;
        var pending = new List<(T Item, int Index)>(group);
        int scored = 0;
        using var enumerator = items.GetEnumerator();
        while (true)
        {
            cancellation.ThrowIfCancellationRequested();
            bool more = enumerator.MoveNext();
            if (more) pending.Add((enumerator.Current, scored + pending.Count));
            if (pending.Count == group || (!more && pending.Count > 0))
            {
                var predictions = ScoreBatched(pending, batchSize, (p, _) => decode(p.Item, p.Index), (p, _) => describe(p.Item, p.Index), cancellation);
                pending.Clear();
                scored += predictions.Count;
                progress?.Report(scored);
                foreach (var prediction in predictions)
                {
                    cancellation.ThrowIfCancellationRequested();
                    yield return prediction;
                }
            }
            if (!more) yield break;
        }
    }

    /// <summary>
    /// Runs the model on images already preprocessed by <see cref="Preprocessor"/>: <paramref name="pixels"/> holds
    /// <paramref name="count"/> consecutive 3 x S x S blocks. One model run; results in order.
    /// </summary>
    public IReadOnlyList<DaClipPrediction> ScorePixels(float[] pixels, int count)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        if (pixels.Length != (long)count * Preprocessor.TensorLength)
            throw new ArgumentException($"{count} images of 3 x {ImageSize} x {ImageSize} need {(long)count * Preprocessor.TensorLength} floats; got {pixels.Length}.", nameof(pixels));
        using var lease = _guard.Enter();
        using var input = AllocateInput(count);
        pixels.CopyTo(input.GetTensorMutableDataAsSpan<float>());
        return Run(input, count, Enumerable.Range(0, count).Select(Index).ToArray());
    }

    /// <summary>
    /// Releases the ONNX Runtime session once the calls already running have finished; calls made after this one has
    /// started throw <see cref="ObjectDisposedException"/>. Safe to call more than once and from several threads.
    /// </summary>
    public void Dispose()
    {
        if (_guard.Close()) _session.Dispose();
    }

    private IReadOnlyList<DaClipPrediction> ScoreBatched<T>(IReadOnlyList<T> items, int? batchSizeOrDefault, Func<T, int, RgbImage> decode,
        Func<T, int, string> describe, CancellationToken cancellation = default)
    {
        int batchSize = batchSizeOrDefault ?? DaClipScorerOptions.DefaultBatchSize;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        using var lease = _guard.Enter();
        int batches = (items.Count + batchSize - 1) / batchSize;
        var results = new DaClipPrediction[batches][];
        if (_options.ConcurrentBatches == 1 || batches <= 1)
        {
            for (int b = 0; b < batches; b++) results[b] = ScoreOneBatch(items, b * batchSize, batchSize, decode, describe, cancellation);
        }
        else
        {
            // Batches run concurrently on the shared session; a failure is reported for the earliest failing batch.
            var errors = new Exception?[batches];
            Parallel.For(0, batches, new ParallelOptions { MaxDegreeOfParallelism = _options.ConcurrentBatches }, (b, state) =>
            {
                try
                {
                    results[b] = ScoreOneBatch(items, b * batchSize, batchSize, decode, describe, cancellation);
                }
                catch (Exception e)
                {
                    errors[b] = e;
                    state.Break();
                }
            });
            cancellation.ThrowIfCancellationRequested();
            if (errors.FirstOrDefault(e => e != null) is { } error) ExceptionDispatchInfo.Throw(error);
        }
        return results.SelectMany(r => r).ToList();
    }

    private DaClipPrediction[] ScoreOneBatch<T>(IReadOnlyList<T> items, int start, int batchSize, Func<T, int, RgbImage> decode, Func<T, int, string> describe,
        CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        int len = Preprocessor.TensorLength;
        int n = Math.Min(batchSize, items.Count - start);
        using var input = AllocateInput(n);
        var errors = new Exception?[n];
        var sizes = new (int Width, int Height)[n];
        Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = _options.MaxDecodeParallelism }, i =>
        {
            try
            {
                cancellation.ThrowIfCancellationRequested();
                var image = decode(items[start + i], start + i);
                sizes[i] = (image.Width, image.Height);
                Preprocessor.ProcessInto(image, input.GetTensorMutableDataAsSpan<float>().Slice(i * len, len));
            }
            catch (Exception e)
            {
                errors[i] = e;
            }
        });
        cancellation.ThrowIfCancellationRequested();
        if (errors.FirstOrDefault(e => e != null) is { } error) ExceptionDispatchInfo.Throw(error);
        var sources = new string[n];
        for (int i = 0; i < n; i++) sources[i] = describe(items[start + i], start + i);
        return Run(input, n, sources, cancellation, _options.MapSize == AnomalyMapSize.Source ? sizes : null);
    }

    /// <summary>
    /// The input tensor in memory from ONNX Runtime's allocator (64-byte aligned). ONNX Runtime's CPU kernels round
    /// differently depending on the input buffer's alignment, so a managed array, whose alignment varies from one
    /// allocation to the next, would make repeated runs differ in the last bit.
    /// </summary>
    private OrtValue AllocateInput(int n) =>
        OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, TensorElementType.Float, [n, 3, ImageSize, ImageSize]);

    private DaClipPrediction[] Run(OrtValue input, int n, string[] sources, CancellationToken cancellation = default, (int Width, int Height)[]? sourceSizes = null)
    {
        int s = ImageSize;
        using var runOptions = new RunOptions();
        IDisposableReadOnlyCollection<OrtValue> outputs;
        // Cancellation sets ONNX Runtime's terminate flag, which ends the run at its next operator.
        using (cancellation.Register(() => runOptions.Terminate = true))
        {
            try
            {
                outputs = _session.Run(runOptions, [DaClipModelTensors.Pixels], [input], DaClipModelTensors.Outputs);
            }
            catch (OnnxRuntimeException) when (cancellation.IsCancellationRequested)
            {
                throw new OperationCanceledException(cancellation);
            }
        }
        using var disposeOutputs = outputs;
        cancellation.ThrowIfCancellationRequested();
        var score = Read<float>(outputs[0], DaClipModelTensors.Score, [n]);
        var label = Read<bool>(outputs[1], DaClipModelTensors.PredictedLabel, [n]);
        var map = Read<float>(outputs[2], DaClipModelTensors.AnomalyMap, [n, 1, s, s]);
        var global = Read<float>(outputs[3], DaClipModelTensors.GlobalProb, [n]);
        var patchShape = outputs[4].GetTensorTypeAndShape().Shape;
        int g = patchShape.Length == 4 ? (int)patchShape[2] : -1;
        var patch = Read<float>(outputs[4], DaClipModelTensors.PatchMap, [n, 1, g, g]);

        var predictions = new DaClipPrediction[n];
        for (int i = 0; i < n; i++)
        {
            var square = map.Slice(i * s * s, s * s);
            var (w, h) = sourceSizes is null ? (s, s) : sourceSizes[i];
            var pixels = sourceSizes is null ? square.ToArray() : AnomalyMapResampler.ToSource(square, s, w, h, Preprocessor.Fit);
            predictions[i] = new DaClipPrediction(sources[i], score[i], label[i], global[i], pixels, w, h, s, patch.Slice(i * g * g, g * g).ToArray(), g);
        }
        return predictions;
    }

    private ReadOnlySpan<T> Read<T>(OrtValue value, string name, long[] expectedShape) where T : unmanaged
    {
        var shape = value.GetTensorTypeAndShape().Shape;
        if (!shape.SequenceEqual(expectedShape))
            throw new DaClipFileFormatException(ModelSource,
                $"output '{name}' has shape [{string.Join(", ", shape)}] but the DA-CLIP contract needs [{string.Join(", ", expectedShape)}]. Re-export the model with DaClip.MLNet.");
        return value.GetTensorDataAsSpan<T>();
    }

    private static string Index(int i) => "#" + i.ToString(CultureInfo.InvariantCulture);
}
