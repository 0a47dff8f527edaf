using DaClip.MLNet;
using DaClip.MLNet.Pipeline;

namespace Microsoft.ML;

/// <summary>ML.NET catalog entry points of DaClip.MLNet that do not train: scoring with an exported DA-CLIP model.</summary>
public static class DaClipTransformsCatalog
{
    /// <summary>
    /// Scores images with the exported DA-CLIP ONNX model at <paramref name="modelPath"/>, adding Score, PredictedLabel,
    /// ScoreCentered and AnomalyMap (see <see cref="DaClipScoringOptions"/>).
    /// </summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="modelPath">The .onnx file (all tensors inline; ML.NET embeds it in saved models).</param>
    /// <param name="imageColumnName">The image column: path, encoded bytes or image.</param>
    /// <param name="gpuDeviceId">CUDA device for ONNX Runtime; null takes the MLContext's <c>GpuDeviceId</c> (and its <c>FallbackToCpu</c>), CPU when that is null too.</param>
    /// <param name="fallbackToCpu">With <paramref name="gpuDeviceId"/> set: run on CPU when CUDA cannot start.</param>
    public static DaClipScoringEstimator ApplyDaClipModel(this TransformsCatalog catalog, string modelPath, string imageColumnName = DaClipDefaults.ImageColumnName,
        int? gpuDeviceId = null, bool fallbackToCpu = false) =>
        catalog.ApplyDaClipModel(modelPath, new DaClipScoringOptions { ImageColumnName = imageColumnName, GpuDeviceId = gpuDeviceId, FallbackToCpu = fallbackToCpu });

    /// <summary>Scores images with the exported DA-CLIP ONNX model at <paramref name="modelPath"/>, configured by <paramref name="options"/>.</summary>
    /// <exception cref="DaClipFileFormatException">The file is missing.</exception>
    public static DaClipScoringEstimator ApplyDaClipModel(this TransformsCatalog catalog, string modelPath, DaClipScoringOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelPath);
        if (!File.Exists(modelPath)) throw new DaClipFileFormatException(modelPath, $"model file not found (full path '{Path.GetFullPath(modelPath)}'). Export the model first (daclip export).");
        return new DaClipScoringEstimator(CallerEnvironment.OfCatalog(catalog), File.ReadAllBytes(modelPath), options, modelPath);
    }

    /// <summary>Scores images with the serialised DA-CLIP ONNX model <paramref name="onnxModel"/>, configured by <paramref name="options"/>.</summary>
    public static DaClipScoringEstimator ApplyDaClipModel(this TransformsCatalog catalog, byte[] onnxModel, DaClipScoringOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new DaClipScoringEstimator(CallerEnvironment.OfCatalog(catalog), onnxModel, options, "<model bytes>");
    }
}
