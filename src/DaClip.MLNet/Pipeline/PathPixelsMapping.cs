using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace DaClip.MLNet.Pipeline;

/// <summary>An image path and the configuration vector.</summary>
internal sealed class PathPixelsInput
{
    [ColumnName(DaClipChainLayout.ImageColumn)]
    public string Image { get; set; } = "";

    [ColumnName(DaClipChainLayout.ConfigColumn), VectorType]
    public float[] Config { get; set; } = [];
}

/// <summary>Decodes the file at the path and preprocesses it to the model input.</summary>
[CustomMappingFactoryAttribute(DaClipChainLayout.PathPixelsContract)]
internal sealed class PathPixelsMapping : CustomMappingFactory<PathPixelsInput, PixelsOutput>
{
    public override Action<PathPixelsInput, PixelsOutput> GetMapping() =>
        static (input, output) => output.Pixels = DaClipChainLayout.Preprocessor(input.Config).Process(input.Image);
}
