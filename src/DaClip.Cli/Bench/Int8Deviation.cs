using System.Globalization;
using DaClip.MLNet.Metrics;
using DaClip.MLNet.Scoring;
using DaClip.MLNet.Training.Export;
using DaClip.MLNet.Training.Network;
using DaClip.MLNet.Training.Synthetic;

namespace DaClip.Cli.Bench;

/// <summary>
/// What int8 costs a trained network on held-out images (<c>daclip bench train --int8</c>): the network exported as
/// float32 and as int8, both scored on ONNX Runtime at batch 1, both evaluated (mean over the held-out classes; PRO in
/// the exact convention); the metric changes (int8 − float32), the largest score difference and the per-image map
/// correlation.
/// </summary>
internal sealed record Int8Deviation(string Variant, double ImageAurocFloat32, double ImageAurocInt8, double PixelAurocFloat32, double PixelAurocInt8,
    double ProFloat32, double ProInt8, double ScoreMaxAbsDiff, double MapMaxAbsDiff, double MapPearsonMin, double MapPearsonMean, long ModelBytesFloat32, long ModelBytesInt8)
{
    public double ImageAurocChange => ImageAurocInt8 - ImageAurocFloat32;

    public double PixelAurocChange => PixelAurocInt8 - PixelAurocFloat32;

    public double ProChange => ProInt8 - ProFloat32;

    /// <summary>Exports <paramref name="network"/> at both precisions and scores <paramref name="images"/> with each.</summary>
    public static Int8Deviation Measure(string variant, DaClipNetwork network, IReadOnlyList<SyntheticImage> images)
    {
        var fp32 = DaClipOnnxExporter.ExportToBytes(network);
        var int8 = DaClipOnnxExporter.ExportToBytes(network, new DaClipExportOptions { Precision = OnnxPrecision.Int8 });
        var (m32, p32) = Score(fp32, images);
        var (m8, p8) = Score(int8, images);
        var d = InferenceComparison.Of(p8, p32);
        return new Int8Deviation(variant, m32.ImageAuroc, m8.ImageAuroc, m32.PixelAuroc, m8.PixelAuroc, m32.PixelAuproExact, m8.PixelAuproExact,
            d.ScoreMaxAbsDiff, d.MapMaxAbsDiff, d.MapPearsonMin, d.MapPearsonMean, fp32.Length, int8.Length);
    }

    /// <summary>Prints the rows as a table.</summary>
    public static void WriteTable(TextWriter output, IReadOnlyList<Int8Deviation> rows, int images)
    {
        output.WriteLine();
        output.WriteLine($"Int8 against float32 ONNX graphs of the same trained network, {images} held-out images, batch 1 (change = int8 − float32):");
        output.WriteLine("| variant | image AUROC fp32 → int8 (change) | pixel AUROC fp32 → int8 (change) | PRO fp32 → int8 (change) | score max abs diff | map max abs diff | map Pearson min / mean | model bytes fp32 / int8 |");
        output.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (var r in rows)
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Variant} | {r.ImageAurocFloat32:F4} → {r.ImageAurocInt8:F4} ({r.ImageAurocChange:+0.0000;-0.0000;0}) | {r.PixelAurocFloat32:F4} → {r.PixelAurocInt8:F4} ({r.PixelAurocChange:+0.0000;-0.0000;0}) | " +
                $"{r.ProFloat32:F4} → {r.ProInt8:F4} ({r.ProChange:+0.0000;-0.0000;0}) | {r.ScoreMaxAbsDiff:E1} | {r.MapMaxAbsDiff:E1} | {r.MapPearsonMin:F5} / {r.MapPearsonMean:F5} | {r.ModelBytesFloat32:N0} / {r.ModelBytesInt8:N0} |"));
    }

    private static (SegmentationMetrics Metrics, List<InferenceComparison.Outputs> Outputs) Score(byte[] model, IReadOnlyList<SyntheticImage> images)
    {
        using var scorer = new DaClipOnnxScorer(model, new DaClipScorerOptions { Provider = ExecutionProvider.Cpu, ConcurrentBatches = 1, Log = _ => { } });
        int s = scorer.ImageSize;
        var samples = new List<SegmentationSample>(images.Count);
        var outputs = new List<InferenceComparison.Outputs>(images.Count);
        foreach (var image in images)
        {
            var p = scorer.ScorePixels(image.ToChw(), 1)[0];
            outputs.Add(InferenceComparison.Outputs.From(p));
            samples.Add(new SegmentationSample
            {
                ClassName = image.ClassName,
                IsAnomalous = image.IsAnomalous,
                ImageScore = p.Score,
                AnomalyMap = p.AnomalyMap,
                Mask = image.IsAnomalous ? image.Mask.Select(v => v > 0 ? (byte)1 : (byte)0).ToArray() : null,
                Height = s,
                Width = s,
            });
        }
        return (SegmentationEvaluator.Evaluate(samples).Mean, outputs);
    }
}
