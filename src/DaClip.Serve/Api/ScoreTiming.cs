namespace DaClip.Serve.Api;

/// <summary>Where one image's time went on the server, in milliseconds.</summary>
/// <param name="DecodeMs">Reading the body, decoding and resizing the image.</param>
/// <param name="QueueMs">Waiting in the queue for its batch's model run.</param>
/// <param name="InferenceMs">The batch's model run.</param>
/// <param name="BatchSize">Images in that model run (dynamic batching).</param>
/// <param name="TotalMs">From the request's arrival to the response (before writing it).</param>
public sealed record ScoreTiming(double DecodeMs, double QueueMs, double InferenceMs, int BatchSize, double TotalMs);
