using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace DaClip.MLNet.Pipeline;

/// <summary>The encoded bytes of an image file and the configuration vector.</summary>
internal sealed class EncodedBytesPixelsInput
{
    [ColumnName(DaClipChainLayout.ImageColumn), VectorType]
    public byte[] Image { get; set; } = [];

    [ColumnName(DaClipChainLayout.ConfigColumn), VectorType]
    public float[] Config { get; set; } = [];
}

/// <summary>Decodes the bytes and preprocesses the image to the model input.</summary>
[CustomMappingFactoryAttribute(DaClipChainLayout.EncodedBytesPixelsContract)]
internal sealed class EncodedBytesPixelsMapping : CustomMappingFactory<EncodedBytesPixelsInput, PixelsOutput>
{
    public override Action<EncodedBytesPixelsInput, PixelsOutput> GetMapping() =>
        static (input, output) => output.Pixels = DaClipChainLayout.Preprocessor(input.Config).Process(input.Image, "<image bytes>");
}
