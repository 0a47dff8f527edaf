using DaClip.MLNet;
using DaClip.MLNet.Scoring;
using Microsoft.ML;

namespace DaClip.Cli.Common;

/// <summary>
/// Scores image files with <see cref="DaClipTransformer.ScoreBatch"/> a chunk at a time, so that only one chunk's anomaly
/// maps are in memory and progress can be shown between chunks.
/// </summary>
internal static class ChunkedScoring
{
    /// <summary>Images per chunk (rounded up to whole batches).</summary>
    private const int ChunkImages = 64;

    /// <summary>The predictions of <paramref name="paths"/>, in order, with their index.</summary>
    public static IEnumerable<(int Index, DaClipPrediction Prediction)> Score(MLContext ml, DaClipTransformer model, IReadOnlyList<string> paths,
        int batchSize, ConsoleProgressBar? bar, CancellationToken cancellation)
    {
        int chunk = (ChunkImages + batchSize - 1) / batchSize * batchSize;
        bar?.Update(0, paths.Count);
        for (int start = 0; start < paths.Count; start += chunk)
        {
            cancellation.ThrowIfCancellationRequested();
            int count = Math.Min(chunk, paths.Count - start);
            var predictions = model.ScoreBatch(ImageColumnView.Create(ml, model, paths.Skip(start).Take(count)), batchSize);
            for (int i = 0; i < count; i++) yield return (start + i, predictions[i]);
            bar?.Update(start + count, paths.Count);
        }
        bar?.Finish();
    }
}
