using DaClip.MLNet;
using DaClip.MLNet.Scoring;
using Microsoft.ML;

namespace DaClip.Cli.Common;

/// <summary>
/// Scores image files with <see cref="DaClipTransformer.ScoreBatch"/> one batch at a time, so that only one batch's anomaly
/// maps are in memory, results and progress come as each batch is scored, and cancellation (Ctrl+C) stops before the
/// next image and ends a model run in progress.
/// </summary>
internal static class ChunkedScoring
{
    /// <summary>The predictions of <paramref name="paths"/>, in order, with their index.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> was cancelled.</exception>
    public static IEnumerable<(int Index, DaClipPrediction Prediction)> Score(MLContext ml, DaClipTransformer model, IReadOnlyList<string> paths,
        int batchSize, ConsoleProgressBar? bar, CancellationToken cancellation)
    {
        int chunk = batchSize;
        bar?.Update(0, paths.Count);
        for (int start = 0; start < paths.Count; start += chunk)
        {
            cancellation.ThrowIfCancellationRequested();
            int count = Math.Min(chunk, paths.Count - start);
            var predictions = model.ScoreBatch(ImageColumnView.Create(ml, model, paths.Skip(start).Take(count)), batchSize, cancellation);
            for (int i = 0; i < count; i++)
            {
                cancellation.ThrowIfCancellationRequested();
                yield return (start + i, predictions[i]);
            }
            bar?.Update(start + count, paths.Count);
        }
        bar?.Finish();
    }
}
