using DaClip.MLNet.Imaging;
using DaClip.MLNet.Scoring;
using DaClip.MLNet.Pipeline;

namespace DaClip.MLNet;

/// <summary>
/// Options of the DA-CLIP transformer in an ML.NET pipeline: which column holds the images, the names of the columns
/// it adds, where ONNX Runtime runs, and optional overrides of the model's fit and threshold. Every property has a
/// working default. <c>DaClipOptions</c> (DaClip.MLNet.Training) extends these with the training options.
/// </summary>
/// <remarks>
/// Output columns: <see cref="ScoreColumnName"/> (<c>Single</c>, the image anomaly score, higher = more anomalous),
/// <see cref="PredictedLabelColumnName"/> (<c>Boolean</c>, score &gt; threshold), <see cref="ScoreCenteredColumnName"/>
/// (<c>Single</c>, score − threshold: positive exactly when the predicted label is true, which is what
/// <c>BinaryClassification.EvaluateNonCalibrated</c> assumes), and <see cref="AnomalyMapColumnName"/>
/// (<c>Vector&lt;Single, 1, 1, S, S&gt;</c>: the pixel anomaly map at the model's input size, row-major, pixel (x, y) at
/// <c>y · S + x</c>, in the geometry of the fitted S x S input, see <see cref="ImageFit"/>). With
/// <see cref="MapSize"/> = <see cref="AnomalyMapSize.Source"/> the map column is a variable-length <c>Vector&lt;Single&gt;</c>
/// instead: each row's map at that image's own width x height, row-major (pixel (x, y) at <c>y · width + x</c>), so it
/// lies over the image as it is.
/// </remarks>
public class DaClipScoringOptions
{
    /// <summary>The image column: a path (<c>String</c>), encoded bytes (<c>Vector&lt;Byte&gt;</c>, from <c>LoadRawImageBytes</c>) or an image (from <c>LoadImages</c>, not resized). Default "Image".</summary>
    public string ImageColumnName { get; set; } = DaClipDefaults.ImageColumnName;

    /// <summary>Name of the image anomaly score column (<c>Single</c>). Default "Score".</summary>
    public string ScoreColumnName { get; set; } = DaClipDefaults.ScoreColumnName;

    /// <summary>Name of the predicted label column (<c>Boolean</c>, score above the threshold). Default "PredictedLabel".</summary>
    public string PredictedLabelColumnName { get; set; } = DaClipDefaults.PredictedLabelColumnName;

    /// <summary>Name of the score-minus-threshold column (<c>Single</c>). Default "ScoreCentered".</summary>
    public string ScoreCenteredColumnName { get; set; } = DaClipDefaults.ScoreCenteredColumnName;

    /// <summary>Name of the pixel anomaly map column (<c>Vector&lt;Single, 1, 1, S, S&gt;</c>). Default "AnomalyMap".</summary>
    public string AnomalyMapColumnName { get; set; } = DaClipDefaults.AnomalyMapColumnName;

    /// <summary>
    /// CUDA device for ONNX Runtime; null (default) takes the <c>MLContext</c>'s <c>GpuDeviceId</c> and
    /// <c>FallbackToCpu</c>, as ML.NET's <c>ApplyOnnxModel</c> does (CPU when the context sets no device). A model
    /// loaded with <c>mlContext.Model.Load</c> takes the device from that <c>MLContext</c>.
    /// </summary>
    public int? GpuDeviceId { get; set; }

    /// <summary>
    /// With <see cref="GpuDeviceId"/> set: run on CPU when CUDA cannot start (true), or fail with
    /// <see cref="Scoring.ExecutionProviderUnavailableException"/> (false, default, as ML.NET). Not read when
    /// <see cref="GpuDeviceId"/> is null (the context's <c>FallbackToCpu</c> applies then).
    /// </summary>
    public bool FallbackToCpu { get; set; }

    /// <summary>How images are brought to S x S; null (default) uses the fit the model was trained with (its metadata).</summary>
    public ImageFit? Fit { get; set; }

    /// <summary>
    /// Size of the anomaly map column: <see cref="AnomalyMapSize.Model"/> (default, <c>Vector&lt;Single, 1, 1, S, S&gt;</c>)
    /// or <see cref="AnomalyMapSize.Source"/> (variable-length <c>Vector&lt;Single&gt;</c>, each image's width x height,
    /// resized bilinearly; the image is decoded a second time to learn its size). Also the size of
    /// <c>DaClipPrediction.AnomalyMap</c> from <c>ScoreBatch</c> / <c>ScoreStream</c>.
    /// </summary>
    public AnomalyMapSize MapSize { get; set; }

    /// <summary>Overrides the model's threshold (rewritten into the ONNX graph through its contract); null (default) keeps the model's.</summary>
    public float? Threshold { get; set; }

    /// <summary>Checks the names; throws a <see cref="DaClipOptionException"/> naming the option.</summary>
    public void Validate()
    {
        var names = new (string Option, string? Value)[]
        {
            (nameof(ImageColumnName), ImageColumnName), (nameof(ScoreColumnName), ScoreColumnName),
            (nameof(PredictedLabelColumnName), PredictedLabelColumnName), (nameof(ScoreCenteredColumnName), ScoreCenteredColumnName),
            (nameof(AnomalyMapColumnName), AnomalyMapColumnName),
        };
        foreach (var (option, value) in names)
            if (string.IsNullOrWhiteSpace(value)) throw new DaClipOptionException(option, $"{GetType().Name}.{option} is empty: give a column name.");
        var outputs = names.Skip(1).Select(n => n.Value!).ToList();
        if (outputs.Distinct(StringComparer.Ordinal).Count() != outputs.Count)
            throw new DaClipOptionException(nameof(ScoreColumnName), $"{GetType().Name}: the output column names ({string.Join(", ", outputs)}) must differ from each other.");
        foreach (var (option, value) in names)
            if (DaClipChainLayout.InternalColumns.Contains(value!, StringComparer.Ordinal))
                throw new DaClipOptionException(option, $"{GetType().Name}.{option} = '{value}' is a name DA-CLIP uses internally; choose another.");
        if (GpuDeviceId is < 0) throw new DaClipOptionException(nameof(GpuDeviceId), $"{GetType().Name}.GpuDeviceId = {GpuDeviceId}: use 0 or more, or null for CPU.");
        if (Fit is { } fit && !Enum.IsDefined(fit)) throw new DaClipOptionException(nameof(Fit), $"{GetType().Name}.Fit = {fit} is not an ImageFit.");
        if (Threshold is { } t && !float.IsFinite(t)) throw new DaClipOptionException(nameof(Threshold), $"{GetType().Name}.Threshold = {t}: must be finite.");
        if (!Enum.IsDefined(MapSize)) throw new DaClipOptionException(nameof(MapSize), $"{GetType().Name}.MapSize = {MapSize} is not an AnomalyMapSize (Model or Source).");
    }
}
