using System.Text.Json;
using System.Text.Json.Serialization;
using DaClip.MLNet.Imaging;

namespace DaClip.MLNet.Pipeline;

/// <summary>
/// Everything a <see cref="DaClipTransformer"/> needs to rebuild its chain around an ONNX model; stored as JSON in the
/// model's metadata (<see cref="DaClipChainLayout.SpecMetadataKey"/>) so that a model loaded from a zip can be wrapped again.
/// </summary>
internal sealed record DaClipChainSpec
{
    public required string ImageColumnName { get; init; }
    public required DaClipImageKind ImageKind { get; init; }
    public required string ScoreColumnName { get; init; }
    public required string PredictedLabelColumnName { get; init; }
    public required string ScoreCenteredColumnName { get; init; }
    public required string AnomalyMapColumnName { get; init; }
    public required int ImageSize { get; init; }
    public required ImageFit Fit { get; init; }
    public required float Threshold { get; init; }

    private static readonly JsonSerializerOptions Json = new() { Converters = { new JsonStringEnumConverter() } };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static DaClipChainSpec FromJson(string json, string source)
    {
        try
        {
            return JsonSerializer.Deserialize<DaClipChainSpec>(json, Json) ?? throw new JsonException("empty");
        }
        catch (JsonException e)
        {
            throw new DaClipFileFormatException(source, $"the metadata '{DaClipChainLayout.SpecMetadataKey}' is not a valid DA-CLIP chain description ({e.Message}). Save the model again with this DaClip.MLNet.", e);
        }
    }
}
