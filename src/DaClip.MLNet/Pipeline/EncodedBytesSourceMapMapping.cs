using DaClip.MLNet.Imaging;
using DaClip.MLNet.Scoring;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace DaClip.MLNet.Pipeline;

/// <summary>The encoded bytes of an image file, the configuration vector and the model's S x S map.</summary>
internal sealed class EncodedBytesSourceMapInput
{
    [ColumnName(DaClipChainLayout.ImageColumn), VectorType]
    public byte[] Image { get; set; } = [];

    [ColumnName(DaClipChainLayout.ConfigColumn), VectorType]
    public float[] Config { get; set; } = [];

    [ColumnName(DaClipModelTensors.AnomalyMap), VectorType]
    public float[] AnomalyMap { get; set; } = [];
}

/// <summary>Resizes the map to the size of the encoded image.</summary>
[CustomMappingFactoryAttribute(DaClipChainLayout.EncodedBytesSourceMapContract)]
internal sealed class EncodedBytesSourceMapMapping : CustomMappingFactory<EncodedBytesSourceMapInput, SourceMapOutput>
{
    public override Action<EncodedBytesSourceMapInput, SourceMapOutput> GetMapping() => static (input, output) =>
    {
        var image = ImageDecoder.Decode(input.Image, "<image bytes>");
        output.SourceMap = SourceMapOutput.Resize(input.AnomalyMap, input.Config, image.Width, image.Height);
    };
}
