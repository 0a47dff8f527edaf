using DaClip.MLNet.Imaging;
using DaClip.MLNet.Scoring;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace DaClip.MLNet.Pipeline;

/// <summary>An image path, the configuration vector and the model's S x S map.</summary>
internal sealed class PathSourceMapInput
{
    [ColumnName(DaClipChainLayout.ImageColumn)]
    public string Image { get; set; } = "";

    [ColumnName(DaClipChainLayout.ConfigColumn), VectorType]
    public float[] Config { get; set; } = [];

    [ColumnName(DaClipModelTensors.AnomalyMap), VectorType]
    public float[] AnomalyMap { get; set; } = [];
}

/// <summary>Resizes the map to the size of the file at the path, decoded as the pixel stage decodes it (orientation included).</summary>
[CustomMappingFactoryAttribute(DaClipChainLayout.PathSourceMapContract)]
internal sealed class PathSourceMapMapping : CustomMappingFactory<PathSourceMapInput, SourceMapOutput>
{
    public override Action<PathSourceMapInput, SourceMapOutput> GetMapping() => static (input, output) =>
    {
        var image = ImageDecoder.Decode(input.Image);
        output.SourceMap = SourceMapOutput.Resize(input.AnomalyMap, input.Config, image.Width, image.Height);
    };
}
