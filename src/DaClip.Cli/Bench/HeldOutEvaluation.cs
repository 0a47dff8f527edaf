using DaClip.MLNet.Metrics;
using DaClip.MLNet.Training.Network;
using DaClip.MLNet.Training.Synthetic;
using TorchSharp;
using static TorchSharp.torch;

namespace DaClip.Cli.Bench;

/// <summary>Zero-shot metrics of any TorchSharp detector (DA-CLIP or the training-free baseline) on synthetic images.</summary>
internal static class HeldOutEvaluation
{
    /// <summary>The evaluator's result (per class and the mean over classes) of <paramref name="predict"/> on <paramref name="images"/> at S = <paramref name="size"/>.</summary>
    public static SegmentationEvaluationResult Evaluate(Func<Tensor, NetworkPrediction> predict, int size, IReadOnlyList<SyntheticImage> images)
    {
        const int batch = 16;
        var samples = new List<SegmentationSample>(images.Count);
        for (int start = 0; start < images.Count; start += batch)
        {
            var chunk = images.Skip(start).Take(batch).ToList();
            using var scope = torch.NewDisposeScope();
            var pixels = torch.tensor(chunk.SelectMany(i => i.ToChw()).ToArray(), [chunk.Count, 3, size, size]);
            using var p = predict(pixels);
            var scores = p.Score.data<float>().ToArray();
            var maps = p.AnomalyMap.data<float>().ToArray();
            for (int j = 0; j < chunk.Count; j++)
            {
                samples.Add(new SegmentationSample
                {
                    ClassName = chunk[j].ClassName,
                    IsAnomalous = chunk[j].IsAnomalous,
                    ImageScore = scores[j],
                    AnomalyMap = maps.AsSpan(j * size * size, size * size).ToArray(),
                    Mask = chunk[j].IsAnomalous ? Binary(chunk[j].Mask) : null,
                    Height = size,
                    Width = size,
                });
            }
        }
        return SegmentationEvaluator.Evaluate(samples);
    }

    /// <summary>A 0/255 mask as 0/1.</summary>
    public static byte[] Binary(byte[] mask) => mask.Select(v => v > 0 ? (byte)1 : (byte)0).ToArray();
}
