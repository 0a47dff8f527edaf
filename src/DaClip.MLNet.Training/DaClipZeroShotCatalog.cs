using DaClip.MLNet;
using DaClip.MLNet.Pipeline;
using DaClip.MLNet.Training;

namespace Microsoft.ML;

/// <summary>
/// The ML.NET entry points of the training-free CLIP anomaly detector:
/// <c>mlContext.AnomalyDetection.Trainers.DaClipZeroShot(options)</c> and
/// <c>mlContext.Transforms.DetectAnomaliesZeroShot(options)</c>, the same estimator under the two catalogs. Its
/// <c>Fit</c> needs no rows. The remarks of <see cref="DaClipTrainersCatalog"/> on the <c>MLContext</c> apply.
/// </summary>
public static class DaClipZeroShotCatalog
{
    /// <summary>The training-free detector with <paramref name="options"/>; <c>Fit</c> reads only the input schema.</summary>
    /// <exception cref="DaClipOptionException">An option is invalid (named in the message).</exception>
    public static DaClipZeroShotEstimator DaClipZeroShot(this AnomalyDetectionCatalog.AnomalyDetectionTrainers catalog, DaClipZeroShotOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new DaClipZeroShotEstimator(CallerEnvironment.OfCatalog(catalog), options);
    }

    /// <summary>The training-free detector with <paramref name="options"/>; <c>Fit</c> reads only the input schema.</summary>
    /// <exception cref="DaClipOptionException">An option is invalid (named in the message).</exception>
    public static DaClipZeroShotEstimator DetectAnomaliesZeroShot(this TransformsCatalog catalog, DaClipZeroShotOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new DaClipZeroShotEstimator(CallerEnvironment.OfCatalog(catalog), options);
    }

    /// <summary>The training-free detector; the other options keep their defaults.</summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="backbone">A CLIP checkpoint path, or a built-in backbone name ("tiny").</param>
    /// <param name="vocabPath">CLIP's BPE vocabulary for a checkpoint backbone.</param>
    /// <param name="imageColumnName">The image column: path, encoded bytes or image.</param>
    /// <param name="imageSize">Input side S (a multiple of the backbone's patch size).</param>
    /// <param name="objectName">The object name of the prompts ("object": object-agnostic).</param>
    public static DaClipZeroShotEstimator DetectAnomaliesZeroShot(this TransformsCatalog catalog, string backbone, string? vocabPath = null,
        string imageColumnName = DaClipDefaults.ImageColumnName, int imageSize = DaClipDefaults.ImageSize, string objectName = "object") =>
        catalog.DetectAnomaliesZeroShot(new DaClipZeroShotOptions
        {
            Backbone = backbone,
            VocabPath = vocabPath,
            ImageColumnName = imageColumnName,
            Model = new DaClipModelOptions { ImageSize = imageSize },
            Prompts = new DaClip.MLNet.Training.ZeroShot.CompositionalPromptEnsemble { ObjectName = objectName },
        });
}
