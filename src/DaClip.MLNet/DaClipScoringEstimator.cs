using DaClip.MLNet.Pipeline;
using Microsoft.ML;

namespace DaClip.MLNet;

/// <summary>
/// An estimator that wraps an already exported DA-CLIP ONNX model: <see cref="Fit"/> reads no data, it only checks the
/// image column and builds the <see cref="DaClipTransformer"/>. Create it with
/// <c>mlContext.Transforms.ApplyDaClipModel(...)</c>.
/// </summary>
public sealed class DaClipScoringEstimator : IEstimator<DaClipTransformer>
{
    private readonly CallerEnvironment _env;
    private readonly DaClipLog _log;
    private readonly byte[] _model;
    private readonly string _source;
    private readonly DaClipScoringOptions _options;

    /// <summary>
    /// Creates the estimator for the model bytes <paramref name="onnxModel"/> in <paramref name="mlContext"/> (its log,
    /// <c>GpuDeviceId</c> / <c>FallbackToCpu</c> when the options give no device, and <c>TempFilePath</c> apply);
    /// <paramref name="source"/> names the model in messages.
    /// </summary>
    public DaClipScoringEstimator(MLContext mlContext, byte[] onnxModel, DaClipScoringOptions? options = null, string source = "<model bytes>")
        : this(CallerEnvironment.Of(mlContext), onnxModel, options, source) { }

    internal DaClipScoringEstimator(CallerEnvironment env, byte[] onnxModel, DaClipScoringOptions? options, string source)
    {
        ArgumentNullException.ThrowIfNull(onnxModel);
        _options = options ?? new DaClipScoringOptions();
        _options.Validate();
        _env = env;
        _log = new DaClipLog(env.Host);
        _model = onnxModel;
        _source = source;
    }

    /// <summary>Checks the image column and wraps the model.</summary>
    /// <exception cref="DaClipSchemaException">The image column is missing or of an unusable type.</exception>
    /// <exception cref="DaClipFileFormatException">The model is not a DA-CLIP model.</exception>
    public DaClipTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var kind = DaClipColumns.ImageKind(input.Schema, _options.ImageColumnName);
        DaClipColumns.CheckNoInternalColumns(input.Schema.Select(c => c.Name));
        _env.CheckAlive();
        return DaClipTransformer.Create(_env.Context(), _log, _model, _source, _options, kind);
    }

    /// <summary>The input columns plus the four DA-CLIP output columns.</summary>
    /// <exception cref="DaClipSchemaException">The image column is missing or of an unusable type.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        DaClipColumns.ImageKind(inputSchema, _options.ImageColumnName);
        DaClipColumns.CheckNoInternalColumns(inputSchema.Select(c => c.Name));
        return DaClipOutputShape.Extend(inputSchema, _options);
    }
}
