using DaClip.MLNet.Scoring;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace DaClip.MLNet.Pipeline;

/// <summary>An <see cref="MLImage"/> of any size, the configuration vector and the model's S x S map.</summary>
internal sealed class ImageSourceMapInput
{
    [ColumnName(DaClipChainLayout.ImageColumn), UnsizedImageType]
    public MLImage? Image { get; set; }

    [ColumnName(DaClipChainLayout.ConfigColumn), VectorType]
    public float[] Config { get; set; } = [];

    [ColumnName(DaClipModelTensors.AnomalyMap), VectorType]
    public float[] AnomalyMap { get; set; } = [];
}

/// <summary>Resizes the map to the image's width x height.</summary>
[CustomMappingFactoryAttribute(DaClipChainLayout.ImageSourceMapContract)]
internal sealed class ImageSourceMapMapping : CustomMappingFactory<ImageSourceMapInput, SourceMapOutput>
{
    public override Action<ImageSourceMapInput, SourceMapOutput> GetMapping() => static (input, output) =>
    {
        var image = input.Image ?? throw new Imaging.ImageInputException("<MLImage>", "the image is missing (null). Check that LoadImages found the file.");
        output.SourceMap = SourceMapOutput.Resize(input.AnomalyMap, input.Config, image.Width, image.Height);
    };
}
