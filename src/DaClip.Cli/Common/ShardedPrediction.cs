using System.Globalization;
using System.Text.Json;
using DaClip.MLNet;
using DaClip.MLNet.Data;
using DaClip.MLNet.Imaging;
using DaClip.MLNet.Reporting;
using DaClip.MLNet.Scoring;
using Microsoft.ML;

namespace DaClip.Cli.Common;

/// <summary>What <see cref="ShardedPrediction"/> scores.</summary>
internal sealed record ShardedPredictionSettings
{
    public required string ModelPath { get; init; }
    public required DatasetSpec Data { get; init; }
    public IReadOnlyList<string>? Classes { get; init; }
    public bool AllowMissingMasks { get; init; }
    public required ShardSpec Shard { get; init; }
    public required string OutFolder { get; init; }
    public bool Maps { get; init; }
    public string? Heatmaps { get; init; }
    public float? Threshold { get; init; }
    public int BatchSize { get; init; } = 8;
    public string Device { get; init; } = "cpu";
}

/// <summary>What <see cref="ShardedPrediction"/> wrote.</summary>
internal sealed record ShardedPredictionSummary(string Shard, int Images, int DatasetImages, int Anomalous, float Threshold, string Manifest, string Predictions, string? Maps, double Seconds);

/// <summary>
/// <c>daclip predict --data kind:root --out dir [--shard i/N]</c>: scores the images of the test split that fall into
/// the shard (<see cref="ShardSpec"/>) and writes them as a predictions file set (<see cref="PredictionSetWriter"/>).
/// </summary>
internal static class ShardedPrediction
{
    public static ShardedPredictionSummary Run(ShardedPredictionSettings s, TextWriter error, bool json, CancellationToken cancellation)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var modelPath = Path.GetFullPath(s.ModelPath);
        if (!File.Exists(modelPath))
            throw new CliUsageException($"--model {s.ModelPath}: no such file ({modelPath}). Give a model zip written by `daclip train`.");
        var outFolder = Path.GetFullPath(s.OutFolder);
        if (File.Exists(outFolder)) throw new CliUsageException($"--out {s.OutFolder} is a file: give a folder for the predictions.");
        if (s.Heatmaps is not null && File.Exists(s.Heatmaps)) throw new CliUsageException($"--heatmaps {s.Heatmaps} is a file: give a folder for the overlay images.");

        var dataset = DatasetInput.ReadTestSplit(s.Data, s.Classes, s.AllowMissingMasks);
        var members = dataset.Samples
            .Select((sample, index) => (Sample: sample, Index: index, Path: ShardSpec.RelativePath(dataset.Root, sample.ImagePath)))
            .Where(x => s.Shard.Contains(x.Path))
            .ToList();
        var ml = new MLContext { GpuDeviceId = CliOptions.GpuOrdinal(s.Device), FallbackToCpu = false };
        using var model = DaClipTransformer.Load(ml, modelPath);
        float cut = s.Threshold ?? model.Threshold;
        if (!json) error.WriteLine($"Shard {s.Shard}: {members.Count} of {dataset.Samples.Count} images of {s.Data}, S = {model.ImageSize}.");

        var overlay = new HeatmapOverlayOptions { Fit = model.Fit, Threshold = cut };
        var bar = ConsoleProgressBar.CreateIfWanted("scoring", error, json);
        int anomalous = 0;
        using var writer = new PredictionSetWriter(outFolder, s.Shard.Stem, s.Maps ? model.ImageSize : null);
        foreach (var (i, p) in ImageStream.Score(ml, model, members.Select(m => m.Sample.ImagePath).ToList(), s.BatchSize, bar, cancellation))
        {
            var (sample, index, relative) = members[i];
            bool isAnomalous = s.Threshold is null ? p.PredictedLabel : p.Score > cut;
            if (isAnomalous) anomalous++;
            string? heatmap = null;
            if (s.Heatmaps is not null)
            {
                heatmap = Path.GetFullPath(Path.Combine(s.Heatmaps, Path.ChangeExtension(relative, ".png")));
                HeatmapOverlay.WritePng(heatmap, ImageDecoder.Decode(sample.ImagePath), p.AnomalyMap, options: overlay);
            }
            writer.Add(new PredictionRecord
            {
                Index = index,
                Path = relative,
                Image = sample.ImagePath,
                Class = sample.Class,
                Label = sample.Label,
                Mask = sample.MaskPath,
                Score = p.Score,
                Anomalous = isAnomalous,
                Threshold = cut,
                Heatmap = heatmap,
            }, p.AnomalyMap);
        }
        string backbone = model.Contract.Backbone ?? "unknown";
        var manifestPath = writer.Commit(new PredictionManifest
        {
            Model = modelPath,
            ModelSha256 = TrainingRecord.Sha256Of(modelPath),
            Backbone = backbone,
            ImageSize = model.ImageSize,
            Fit = model.Fit.ToString(),
            ModelThreshold = model.Threshold,
            Data = new DatasetSpec(s.Data.Kind, dataset.Root).ToString(),
            Classes = s.Classes is { Count: > 0 } c ? c : null,
            DatasetImages = dataset.Samples.Count,
            ShardCount = s.Shard.Count,
            Shards = [s.Shard.Index],
            Images = 0,
            Predictions = "",
            CreatedAt = DateTimeOffset.UtcNow,
        });
        return new ShardedPredictionSummary(s.Shard.ToString(), writer.Count, dataset.Samples.Count, anomalous, cut, manifestPath,
            Path.Combine(outFolder, writer.LinesName), writer.MapsName is { } m ? Path.Combine(outFolder, m) : null, Math.Round(clock.Elapsed.TotalSeconds, 3));
    }

    public static void Print(ShardedPredictionSummary summary, TextWriter output, bool json)
    {
        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(summary, CliJson.Indented));
            return;
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Shard {summary.Shard}: {summary.Images} of {summary.DatasetImages} images scored, {summary.Anomalous} anomalous at threshold {summary.Threshold:R} ({summary.Seconds:F1} s)."));
        output.WriteLine($"Predictions: {summary.Predictions}");
        if (summary.Maps is not null) output.WriteLine($"Maps:        {summary.Maps}");
        output.WriteLine($"Manifest:    {summary.Manifest}");
    }
}
