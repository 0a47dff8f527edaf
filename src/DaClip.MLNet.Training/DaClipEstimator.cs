using System.Globalization;
using DaClip.MLNet.Imaging;
using DaClip.MLNet.Pipeline;
using DaClip.MLNet.Training.Clip;
using DaClip.MLNet.Training.Export;
using DaClip.MLNet.Training.Network;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace DaClip.MLNet.Training;

/// <summary>
/// The DA-CLIP trainer as an ML.NET estimator: <see cref="Fit(IDataView)"/> reads the images, labels and optional masks
/// of the data view, trains DA-CLIP's adapters and DAR block over a frozen CLIP backbone with TorchSharp
/// (<see cref="DaClipTrainer"/>), exports the network to ONNX (<see cref="DaClipOnnxExporter"/>) and returns a
/// <see cref="DaClipTransformer"/>, which scores with ONNX Runtime and saves with the model inside. Create it with
/// <c>mlContext.AnomalyDetection.Trainers.DaClip(options)</c> or the constructor.
/// </summary>
public sealed class DaClipEstimator : IEstimator<DaClipTransformer>
{
    private readonly CallerEnvironment _env;
    private readonly DaClipLog _log;

    /// <summary>
    /// Creates the estimator in <paramref name="mlContext"/>: messages go to its <c>Log</c> event, and its seed (when
    /// <see cref="DaClipOptions.Seed"/> is null), <c>GpuDeviceId</c> / <c>FallbackToCpu</c> (when
    /// <see cref="DaClipScoringOptions.GpuDeviceId"/> is null), <c>TempFilePath</c> and <c>CancelExecution</c> apply.
    /// </summary>
    public DaClipEstimator(MLContext mlContext, DaClipOptions options)
        : this(CallerEnvironment.Of(mlContext), options) { }

    internal DaClipEstimator(CallerEnvironment env, DaClipOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ValidateTraining();
        _env = env;
        _log = new DaClipLog(env.Host);
        Options = options;
    }

    /// <summary>The options (read when <see cref="Fit(IDataView)"/> runs).</summary>
    public DaClipOptions Options { get; }

    /// <summary>Trains on <paramref name="input"/> and returns the fitted transformer.</summary>
    /// <exception cref="DaClipSchemaException">A column is missing or of an unusable type.</exception>
    /// <exception cref="DaClipException">An option is invalid, the data is empty, or training failed.</exception>
    public DaClipTransformer Fit(IDataView input) => Fit(input, CancellationToken.None);

    /// <summary>
    /// Trains on <paramref name="input"/>; <paramref name="cancellation"/>, or <c>CancelExecution</c> on the
    /// <c>MLContext</c>, stops between steps (the last checkpoint written stays intact).
    /// </summary>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public DaClipTransformer Fit(IDataView input, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(input);
        _env.CheckAlive();
        LibTorchNative.EnsureLoaded();
        var o = Options;
        o.ValidateTraining();
        int seed = _env.TrainingSeed(o.Seed);
        var kind = DaClipColumns.ImageKind(input.Schema, o.ImageColumnName);
        DaClipColumns.CheckNoInternalColumns(input.Schema.Select(c => c.Name));
        CheckClassColumn(input.Schema);
        var fit = o.Fit ?? ImageFit.Stretch;
        var model = o.Model;
        var preprocessor = new ImagePreprocessor(model.ImageSize, fit);

        using var data = new DataViewTrainingSet(input, kind, o.ImageColumnName, o.LabelColumnName, o.MaskColumnName, preprocessor);
        if (data.Count == 0) throw new DaClipException("The training data has no rows: give auxiliary images with labels (and masks where known).");
        _log.Info($"DA-CLIP training on {data.Count} images ({data.AnomalousCount} anomalous) from column '{o.ImageColumnName}' ({kind}), " +
            $"S = {model.ImageSize} ({fit}), {o.ExportPrecision} export, backbone {o.Backbone}, {o.Epochs} epoch(s), batch {o.BatchSize}, lr {o.LearningRate.ToString(CultureInfo.InvariantCulture)}, seed {seed}{(o.Seed is null ? " (from the MLContext)" : "")}, device {o.TrainingDevice}.");
        if (o.ClassColumnName is not null) LogClasses(input);

        byte[] onnx;
        using (var backbone = ClipBackbone.Load(o.Backbone, o.VocabPath))
        {
            var prompts = PromptBank.Create(model, backbone.Tokenizer, backbone.Model.Config.ContextLength);
            var trainer = DaClipTrainer.Create(backbone.Model, prompts, model, o.TrainingOptions(seed), _log.AsAction());
            using var network = trainer.Network;
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            var progress = new Progress(o.Progress, _log, _env, stop);
            var result = trainer.Train(data, progress, stop.Token, o.ResumeFrom);
            _env.CheckAlive();
            _log.Info(result.EpochLosses.Count == 0
                ? $"Nothing left to train: the checkpoint already holds {result.EpochsCompleted} epoch(s)."
                : $"Training done: final mean loss {result.EpochLosses[^1].ToString("F4", CultureInfo.InvariantCulture)} after {result.EpochsCompleted} epoch(s).");
            network.eval();
            onnx = DaClipOnnxExporter.ExportToBytes(network, new DaClipExportOptions { Threshold = o.Threshold, Fit = fit, Precision = o.ExportPrecision });
        }
        _env.CheckAlive();
        return DaClipTransformer.Create(_env.Context(), _log, onnx, $"DA-CLIP trained on {o.Backbone}", o, kind);
    }

    /// <summary>The input columns plus Score, PredictedLabel, ScoreCentered and AnomalyMap; checks the image, label, mask and class columns.</summary>
    /// <exception cref="DaClipSchemaException">A column is missing or of an unusable type.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var o = Options;
        DaClipColumns.ImageKind(inputSchema, o.ImageColumnName);
        DaClipColumns.CheckNoInternalColumns(inputSchema.Select(c => c.Name));
        var label = DaClipColumns.Find(inputSchema, o.LabelColumnName)
            ?? throw new DaClipSchemaException("label", o.LabelColumnName, DaClipLabels.LabelTypes, null, "Name the label column with LabelColumnName.");
        if (label.Kind != SchemaShape.Column.VectorKind.Scalar || (label.ItemType != BooleanDataViewType.Instance && label.ItemType != NumberDataViewType.Single))
            throw new DaClipSchemaException("label", o.LabelColumnName, DaClipLabels.LabelTypes, DaClipColumns.Describe(label), "Convert it with mlContext.Transforms.Conversion.ConvertType.");
        if (o.MaskColumnName is not null)
        {
            var mask = DaClipColumns.Find(inputSchema, o.MaskColumnName)
                ?? throw new DaClipSchemaException("mask", o.MaskColumnName, DataViewTrainingSet.MaskTypes, null, "Name the mask column with MaskColumnName, or set it to null.");
            if (mask.Kind != SchemaShape.Column.VectorKind.Scalar || mask.ItemType is not (TextDataViewType or Microsoft.ML.Transforms.Image.ImageDataViewType))
                throw new DaClipSchemaException("mask", o.MaskColumnName, DataViewTrainingSet.MaskTypes, DaClipColumns.Describe(mask), "Give mask file paths, or load them with LoadImages.");
        }
        if (o.ClassColumnName is not null)
        {
            var cls = DaClipColumns.Find(inputSchema, o.ClassColumnName)
                ?? throw new DaClipSchemaException("class", o.ClassColumnName, "String", null, "Name the class column with ClassColumnName, or set it to null.");
            if (cls.Kind != SchemaShape.Column.VectorKind.Scalar || cls.ItemType is not TextDataViewType)
                throw new DaClipSchemaException("class", o.ClassColumnName, "String", DaClipColumns.Describe(cls), "Give class names as text.");
        }
        return DaClipOutputShape.Extend(inputSchema, o);
    }

    private void CheckClassColumn(DataViewSchema schema)
    {
        if (Options.ClassColumnName is not { } name) return;
        var column = schema.GetColumnOrNull(name) ?? throw DaClipColumns.Missing(schema, "class", name, "String");
        if (column.Type is not TextDataViewType)
            throw new DaClipSchemaException("class", name, "String", column.Type.ToString(), "Give class names as text.");
    }

    private void LogClasses(IDataView input)
    {
        var counts = input.GetColumn<string>(Options.ClassColumnName!).GroupBy(c => c, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}");
        _log.Info("Training images per class: " + string.Join(", ", counts) + " (DA-CLIP trains class-agnostically).");
    }

    /// <summary>
    /// Forwards progress to the user, logs one line per epoch and per tenth of the feature pass, and turns the
    /// MLContext's <c>CancelExecution</c> into a cancellation of the training after the step just reported.
    /// </summary>
    private sealed class Progress(IProgress<DaClipTrainingProgress>? user, DaClipLog log, CallerEnvironment env, CancellationTokenSource stop)
        : IProgress<DaClipTrainingProgress>
    {
        private int _lastFeatureDecile = -1;

        public void Report(DaClipTrainingProgress value)
        {
            user?.Report(value);
            if (env.IsCanceled) stop.Cancel();
            if (value.Phase == "features")
            {
                int decile = value.Step * 10 / Math.Max(1, value.StepsPerEpoch);
                if (decile == _lastFeatureDecile) return;
                _lastFeatureDecile = decile;
                log.Info(value.ToString());
            }
            else if (value.Step == value.StepsPerEpoch)
            {
                log.Info(value.ToString());
            }
        }
    }
}
