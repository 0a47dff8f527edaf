using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace DaClip.MLNet.Pipeline;

/// <summary>An <see cref="MLImage"/> of any size and the configuration vector.</summary>
internal sealed class ImagePixelsInput
{
    [ColumnName(DaClipChainLayout.ImageColumn), UnsizedImageType]
    public MLImage? Image { get; set; }

    [ColumnName(DaClipChainLayout.ConfigColumn), VectorType]
    public float[] Config { get; set; } = [];
}

/// <summary>Preprocesses the image to the model input.</summary>
[CustomMappingFactoryAttribute(DaClipChainLayout.ImagePixelsContract)]
internal sealed class ImagePixelsMapping : CustomMappingFactory<ImagePixelsInput, PixelsOutput>
{
    public override Action<ImagePixelsInput, PixelsOutput> GetMapping() =>
        static (input, output) => output.Pixels = DaClipChainLayout.Preprocessor(input.Config).Process(
            input.Image ?? throw new Imaging.ImageInputException("<MLImage>", "the image is missing (null). Check that LoadImages found the file."));
}
