using DaClip.MLNet;
using DaClip.MLNet.Pipeline;
using DaClip.MLNet.Training;

namespace Microsoft.ML;

/// <summary>The ML.NET catalog entry point of DA-CLIP training: <c>mlContext.AnomalyDetection.Trainers.DaClip(...)</c>.</summary>
/// <remarks>
/// ML.NET keeps a catalog's <c>MLContext</c> internal. The estimator created here reaches the context's environment by
/// reflection for logging only (messages reach <c>mlContext.Log</c>; without it they go to
/// <see cref="System.Diagnostics.Trace"/>), and builds its transformers with an <c>MLContext</c> of its own, so
/// settings of your context (<c>TempFilePath</c>, <c>GpuDeviceId</c>, ONNX session options) do not apply to them:
/// use <see cref="DaClipScoringOptions.GpuDeviceId"/>, or <c>new DaClipEstimator(mlContext, options)</c> to use your context.
/// </remarks>
public static class DaClipTrainersCatalog
{
    /// <summary>Trains DA-CLIP in <c>Fit</c> with the options in <paramref name="options"/>.</summary>
    /// <exception cref="DaClipException">An option is invalid (named in the message).</exception>
    public static DaClipEstimator DaClip(this AnomalyDetectionCatalog.AnomalyDetectionTrainers catalog, DaClipOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new DaClipEstimator(new MLContext(), CatalogEnvironment.Of(catalog), options);
    }

    /// <summary>Trains DA-CLIP in <c>Fit</c>; the other options keep their METHOD defaults.</summary>
    /// <param name="catalog">The anomaly-detection trainers.</param>
    /// <param name="backbone">A CLIP checkpoint path, or "tiny" (random weights, for demonstrations).</param>
    /// <param name="vocabPath">CLIP's BPE vocabulary for a checkpoint backbone.</param>
    /// <param name="imageColumnName">The image column: path, encoded bytes or image.</param>
    /// <param name="labelColumnName">The label column: Boolean or Single.</param>
    /// <param name="maskColumnName">The mask column (path or image), or null.</param>
    /// <param name="imageSize">Input side S (a multiple of the backbone's patch size; 518 for ViT-L/14@336).</param>
    /// <param name="epochs">Passes over the data.</param>
    public static DaClipEstimator DaClip(this AnomalyDetectionCatalog.AnomalyDetectionTrainers catalog, string backbone, string? vocabPath = null,
        string imageColumnName = "Image", string labelColumnName = "Label", string? maskColumnName = null, int imageSize = 518, int epochs = 15) =>
        catalog.DaClip(new DaClipOptions
        {
            Backbone = backbone,
            VocabPath = vocabPath,
            ImageColumnName = imageColumnName,
            LabelColumnName = labelColumnName,
            MaskColumnName = maskColumnName,
            Model = new DaClipModelOptions { ImageSize = imageSize },
            Epochs = epochs,
        });
}
