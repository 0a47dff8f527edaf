using DaClip.MLNet.Scoring;

namespace DaClip.Serve;

/// <summary>
/// Runs the model once on <paramref name="count"/> preprocessed images (<paramref name="pixels"/> holds that many
/// consecutive 3 x S x S blocks), as <see cref="DaClipOnnxScorer.ScorePixels"/> does; results in order.
/// </summary>
internal delegate IReadOnlyList<DaClipPrediction> BatchScorer(float[] pixels, int count);
