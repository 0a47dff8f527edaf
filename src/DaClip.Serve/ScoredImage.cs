using DaClip.MLNet.Scoring;

namespace DaClip.Serve;

/// <summary>One queued image after its model run: the prediction and where its time went.</summary>
/// <param name="Prediction">The model's outputs.</param>
/// <param name="QueueWait">From entering the queue to the start of its batch's model run.</param>
/// <param name="Inference">The batch's model run.</param>
/// <param name="BatchSize">Images in that run.</param>
internal sealed record ScoredImage(DaClipPrediction Prediction, TimeSpan QueueWait, TimeSpan Inference, int BatchSize);
