using DaClip.MLNet;
using DaClip.MLNet.Pipeline;
using DaClip.MLNet.Training;

namespace Microsoft.ML;

/// <summary>The ML.NET catalog entry point of DA-CLIP training: <c>mlContext.AnomalyDetection.Trainers.DaClip(...)</c>.</summary>
/// <remarks>
/// The estimator honours the <c>MLContext</c> the catalog belongs to, as ML.NET's own trainers do: its seed (when
/// <see cref="DaClipOptions.Seed"/> is null), <c>GpuDeviceId</c> / <c>FallbackToCpu</c> (when
/// <see cref="DaClipScoringOptions.GpuDeviceId"/> is null), <c>TempFilePath</c>, <c>CancelExecution</c> and its
/// <c>Log</c> (docs/mlnet.md, "MLContext").
/// </remarks>
public static class DaClipTrainersCatalog
{
    /// <summary>Trains DA-CLIP in <c>Fit</c> with the options in <paramref name="options"/>.</summary>
    /// <exception cref="DaClipOptionException">An option is invalid (named in the message).</exception>
    public static DaClipEstimator DaClip(this AnomalyDetectionCatalog.AnomalyDetectionTrainers catalog, DaClipOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new DaClipEstimator(CallerEnvironment.OfCatalog(catalog), options);
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
        string imageColumnName = DaClipDefaults.ImageColumnName, string labelColumnName = DaClipDefaults.LabelColumnName, string? maskColumnName = null,
        int imageSize = DaClipDefaults.ImageSize, int epochs = DaClipDefaults.Epochs) =>
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
