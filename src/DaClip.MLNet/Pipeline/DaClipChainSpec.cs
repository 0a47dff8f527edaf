using System.Text.Json;
using System.Text.Json.Serialization;

namespace DaClip.MLNet.Pipeline;

/// <summary>
/// The column names a <see cref="DaClipTransformer"/> reads and writes; stored as JSON in the model's metadata
/// (<see cref="DaClipChainLayout.SpecMetadataKey"/>) so that a model loaded from a zip can be wrapped again. Everything
/// else (image size, fit, threshold) is the model's own <see cref="Scoring.DaClipModelContract"/>. Specs written by
/// earlier versions also held those three values; they are ignored when read.
/// </summary>
internal sealed record DaClipChainSpec
{
    public required string ImageColumnName { get; init; }
    public required DaClipImageKind ImageKind { get; init; }
    public required string ScoreColumnName { get; init; }
    public required string PredictedLabelColumnName { get; init; }
    public required string ScoreCenteredColumnName { get; init; }
    public required string AnomalyMapColumnName { get; init; }

    /// <summary>The size of the anomaly map column; absent (Model) in specs written before it existed.</summary>
    public Scoring.AnomalyMapSize MapSize { get; init; }

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
