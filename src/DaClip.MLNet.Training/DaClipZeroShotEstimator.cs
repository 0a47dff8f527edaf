using DaClip.MLNet.Imaging;
using DaClip.MLNet.Pipeline;
using DaClip.MLNet.Training.Clip;
using DaClip.MLNet.Training.Export;
using DaClip.MLNet.Training.ZeroShot;
using Microsoft.ML;

namespace DaClip.MLNet.Training;

/// <summary>
/// The training-free CLIP anomaly detector as an ML.NET estimator: <see cref="Fit(IDataView)"/> reads no rows (an empty
/// data view with the image column is enough); it loads the backbone, encodes the prompt ensemble
/// (<see cref="ZeroShotNetwork"/>), exports the ONNX graph through <see cref="DaClipOnnxExporter"/> and returns a
/// <see cref="DaClipTransformer"/> with the same output columns, evaluators and save format as a trained DA-CLIP model.
/// Create it with <c>mlContext.AnomalyDetection.Trainers.DaClipZeroShot(options)</c> or
/// <c>mlContext.Transforms.DetectAnomaliesZeroShot(options)</c>.
/// </summary>
public sealed class DaClipZeroShotEstimator : IEstimator<DaClipTransformer>
{
    private readonly CallerEnvironment _env;
    private readonly DaClipLog _log;

    /// <summary>
    /// Creates the estimator in <paramref name="mlContext"/>: messages go to its <c>Log</c> event, and its
    /// <c>GpuDeviceId</c> / <c>FallbackToCpu</c> (when <see cref="DaClipScoringOptions.GpuDeviceId"/> is null),
    /// <c>TempFilePath</c> and <c>CancelExecution</c> apply.
    /// </summary>
    public DaClipZeroShotEstimator(MLContext mlContext, DaClipZeroShotOptions options)
        : this(CallerEnvironment.Of(mlContext), options) { }

    internal DaClipZeroShotEstimator(CallerEnvironment env, DaClipZeroShotOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ValidateZeroShot();
        _env = env;
        _log = new DaClipLog(env.Host);
        Options = options;
    }

    /// <summary>The options (read when <see cref="Fit(IDataView)"/> runs).</summary>
    public DaClipZeroShotOptions Options { get; }

    /// <summary>Builds the detector for the image column of <paramref name="input"/>; its rows are not read.</summary>
    /// <exception cref="DaClipSchemaException">The image column is missing or of an unusable type.</exception>
    /// <exception cref="DaClipException">An option is invalid, or the backbone cannot be loaded.</exception>
    public DaClipTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var o = Options;
        o.ValidateZeroShot();
        var kind = DaClipColumns.ImageKind(input.Schema, o.ImageColumnName);
        DaClipColumns.CheckNoInternalColumns(input.Schema.Select(c => c.Name));
        _env.CheckAlive();
        var onnx = ExportToBytes(o);
        _env.CheckAlive();
        return DaClipTransformer.Create(_env.Context(), _log, onnx, $"training-free CLIP baseline on {o.Backbone}", o, kind);
    }

    /// <summary>The input columns plus Score, PredictedLabel, ScoreCentered and AnomalyMap; checks the image column.</summary>
    /// <exception cref="DaClipSchemaException">The image column is missing or of an unusable type.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        DaClipColumns.ImageKind(inputSchema, Options.ImageColumnName);
        DaClipColumns.CheckNoInternalColumns(inputSchema.Select(c => c.Name));
        return DaClipOutputShape.Extend(inputSchema, Options);
    }

    /// <summary>The ONNX model of the detector described by <paramref name="options"/> (what <see cref="Fit(IDataView)"/> wraps).</summary>
    /// <exception cref="DaClipException">An option is invalid, or the backbone cannot be loaded.</exception>
    public static byte[] ExportToBytes(DaClipZeroShotOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ValidateZeroShot();
        using var backbone = ClipBackbone.Load(options.Backbone, options.VocabPath);
        using var network = ZeroShotNetwork.Create(backbone.Model, backbone.Tokenizer, options.Model, options.Prompts, options.UseClipLogitScale);
        return DaClipOnnxExporter.ExportToBytes(network, new DaClipExportOptions { Threshold = options.Threshold, Fit = options.Fit ?? ImageFit.Stretch });
    }
}
