using DaClip.MLNet.Imaging;
using Microsoft.ML.Data;

namespace DaClip.MLNet.Pipeline;

/// <summary>The anomaly map at the source image's own width x height (variable-length vector, row-major).</summary>
internal sealed class SourceMapOutput
{
    [ColumnName(DaClipChainLayout.SourceMapColumn), VectorType]
    public float[] SourceMap { get; set; } = [];

    /// <summary>The S x S map of the ONNX output resized to <paramref name="width"/> x <paramref name="height"/> with the fit of <paramref name="config"/>.</summary>
    public static float[] Resize(float[] map, float[] config, int width, int height)
    {
        var preprocessor = DaClipChainLayout.Preprocessor(config);
        return AnomalyMapResampler.ToSource(map, preprocessor.ImageSize, width, height, preprocessor.Fit);
    }
}
