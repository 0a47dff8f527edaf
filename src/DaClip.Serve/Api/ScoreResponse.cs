namespace DaClip.Serve.Api;

/// <summary>The answer of <c>POST /v1/score</c> for one image (and one entry of <c>POST /v1/score/batch</c>).</summary>
/// <param name="Model">The model id (<see cref="ModelDescription.Id"/>).</param>
/// <param name="Image">The uploaded file's name, or null for a raw body.</param>
/// <param name="Score">Image anomaly score (higher = more anomalous).</param>
/// <param name="Label"><c>anomalous</c> or <c>normal</c>.</param>
/// <param name="Anomalous">True when <see cref="Score"/> is above <see cref="Threshold"/>.</param>
/// <param name="Threshold">The threshold of the verdict: the request's <c>threshold</c>, else the model's.</param>
/// <param name="Timing">Where the request's time went.</param>
/// <param name="OverlayPng">With <c>?map=png</c>: the heatmap overlay at the image's size, a base64 PNG.</param>
/// <param name="Map">With <c>?map=raw</c>: the anomaly map as floats.</param>
public sealed record ScoreResponse(string Model, string? Image, float Score, string Label, bool Anomalous, float Threshold, ScoreTiming Timing,
    string? OverlayPng = null, AnomalyMapValues? Map = null);
