using DaClip.MLNet;
using DaClip.MLNet.Data;
using DaClip.MLNet.Imaging;
using DaClip.MLNet.Metrics;
using DaClip.MLNet.Training;
using DaClip.MLNet.Training.Network;
using TorchSharp;

namespace DaClip.Cli.Common;

/// <summary>One row of a sweep: a parameter value and the mean metrics over the evaluation classes.</summary>
/// <param name="Parameter">The swept option (snake_case).</param>
/// <param name="Value">Its value in this row.</param>
/// <param name="Trained">True when the value is the one the model was trained and exported with.</param>
/// <param name="Mean">The mean row of the evaluation (fractions; null where undefined).</param>
internal sealed record SweepRow(string Parameter, double Value, bool Trained, MetricsRow Mean);

/// <summary>
/// The cheap part of DA-CLIP re-run per value of a scoring-time option: the frozen vision tower, the text branches and
/// the DAR refinement run once per evaluation image (their outputs — local and global anomaly maps on the patch grid,
/// global probability — do not depend on α, β, k or σ), then for every value the fusion (α), top-k mean (k), image
/// score (β), upsampling and smoothing (σ) are recomputed with <see cref="AnomalyMapHead"/> and evaluated with
/// <see cref="SegmentationEvaluator"/> against the masks at S x S.
/// </summary>
internal sealed class ScoringSweep : IDisposable
{
    private readonly DaClipNetwork _network;
    private readonly AnomalyDataset _data;
    private readonly List<(torch.Tensor Local, torch.Tensor Global, torch.Tensor Probability, int Start, int Count)> _batches = [];
    private readonly byte[][] _masks;

    /// <summary>Encodes every image of <paramref name="data"/> once with <paramref name="network"/>.</summary>
    public ScoringSweep(DaClipNetwork network, AnomalyDataset data, ImageFit fit, int batchSize, Action<int, int>? progress, CancellationToken cancellation)
    {
        _network = network;
        _data = data;
        int s = network.Options.ImageSize;
        var preprocessor = new ImagePreprocessor(s, fit);
        _masks = data.Samples.Select(x => x.MaskPath is { } m ? MaskLoader.Load(m, s, fit) : []).ToArray();
        using var noGrad = torch.no_grad();
        using var text = network.EncodeText();
        for (int start = 0; start < data.Samples.Count; start += batchSize)
        {
            cancellation.ThrowIfCancellationRequested();
            int count = Math.Min(batchSize, data.Samples.Count - start);
            var pixels = new float[count * preprocessor.TensorLength];
            for (int i = 0; i < count; i++) preprocessor.Process(data.Samples[start + i].ImagePath).CopyTo(pixels, i * preprocessor.TensorLength);
            using var guard = ScalarLifetimeGuard.Enter();
            using var scope = torch.NewDisposeScope();
            using var input = torch.tensor(pixels, new long[] { count, 3, s, s });
            using var visual = network.EncodeVisual(input);
            var o = network.Forward(visual, text, pixelMaps: false);
            _batches.Add((o.LocalMaps.detach().clone().MoveToOuterDisposeScope(), o.GlobalMaps.detach().clone().MoveToOuterDisposeScope(),
                o.GlobalProbability.detach().clone().MoveToOuterDisposeScope(), start, count));
            progress?.Invoke(start + count, data.Samples.Count);
        }
    }

    /// <summary>The mean metrics with the network's options changed by <paramref name="options"/> (scoring-time options only).</summary>
    public MetricsRow Evaluate(DaClipModelOptions options)
    {
        int s = _network.Options.ImageSize;
        var head = new AnomalyMapHead(options, s, _network.Grid);
        var evaluator = new SegmentationEvaluator(new SegmentationEvaluatorOptions { Mode = SegmentationEvaluationMode.Exact });
        foreach (var (local, global, probability, start, count) in _batches)
        {
            float[] scores, maps;
            using (var guard = ScalarLifetimeGuard.Enter())
            using (var noGrad = torch.no_grad())
            using (var scope = torch.NewDisposeScope())
            {
                var fused = head.Fuse(local, global);
                var score = head.Score(probability, AnomalyMapHead.TopKMean(fused, options.TopK));
                var map = head.Smooth(head.Upsample(fused));
                scores = score.reshape(-1).data<float>().ToArray();
                maps = map.contiguous().reshape(-1).data<float>().ToArray();
            }
            for (int i = 0; i < count; i++)
            {
                var sample = _data.Samples[start + i];
                evaluator.Add(sample.Class, sample.Label, scores[i], maps.AsSpan(i * s * s, s * s), _masks[start + i], s, s);
            }
        }
        return MetricsRow.From(evaluator.Evaluate())[^1];
    }

    /// <summary>Releases the cached tensors.</summary>
    public void Dispose()
    {
        foreach (var (l, g, p, _, _) in _batches)
        {
            l.Dispose();
            g.Dispose();
            p.Dispose();
        }
        _batches.Clear();
    }
}
