using DaClip.MLNet;
using DaClip.MLNet.Scoring;
using Microsoft.ML;

namespace DaClip.Cli.Common;

/// <summary>
/// Scores image files through <see cref="DaClipTransformer.ScoreStream"/>: lazily, so only the group of batches being
/// scored is in memory, with the progress bar following the stream and cancellation (Ctrl+C) stopping before the next
/// image and ending a model run in progress.
/// </summary>
internal static class ImageStream
{
    /// <summary>The predictions of <paramref name="paths"/>, in order, with their index.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> was cancelled.</exception>
    public static IEnumerable<(int Index, DaClipPrediction Prediction)> Score(MLContext ml, DaClipTransformer model, IReadOnlyList<string> paths,
        int batchSize, ConsoleProgressBar? bar, CancellationToken cancellation)
    {
        bar?.Update(0, paths.Count);
        var progress = bar is null ? null : new BarProgress(bar, paths.Count);
        int index = 0;
        foreach (var prediction in model.ScoreStream(ImageColumnView.Create(ml, model, paths), batchSize, progress, cancellation))
        {
            cancellation.ThrowIfCancellationRequested();
            yield return (index++, prediction);
        }
        bar?.Finish();
    }

    /// <summary>Images scored so far, drawn on the bar synchronously (the stream reports on the enumerating thread).</summary>
    private sealed class BarProgress(ConsoleProgressBar bar, int total) : IProgress<int>
    {
        public void Report(int value) => bar.Update(value, total);
    }
}
