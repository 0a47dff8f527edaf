using DaClip.MLNet.Scoring;
using Microsoft.ML.Data;

namespace DaClip.MLNet.Pipeline;

/// <summary>The ONNX input: 3 x S x S floats in [0, 1] from <see cref="Imaging.ImagePreprocessor"/>.</summary>
internal sealed class PixelsOutput
{
    [ColumnName(DaClipModelTensors.Pixels), VectorType]
    public float[] Pixels { get; set; } = [];
}
