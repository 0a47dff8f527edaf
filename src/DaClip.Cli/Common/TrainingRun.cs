using System.Diagnostics;
using DaClip.MLNet;
using DaClip.MLNet.Data;
using DaClip.MLNet.Training.MLNet;
using DaClip.MLNet.Training.Training;
using Microsoft.ML;

namespace DaClip.Cli.Common;

/// <summary>What <see cref="TrainingRun"/> trains on and with.</summary>
internal sealed record TrainingSettings
{
    public required DatasetSpec Data { get; init; }
    public IReadOnlyList<string>? Classes { get; init; }
    public required BackboneSource Backbone { get; init; }
    public required string ModelPath { get; init; }
    public string? CheckpointPath { get; init; }
    public int Epochs { get; init; } = 15;
    public int BatchSize { get; init; } = 8;
    public int? ImageSize { get; init; }
    public int Seed { get; init; } = 42;
    public string Device { get; init; } = "cpu";
    public FeatureCacheMode FeatureCache { get; init; } = FeatureCacheMode.Auto;
    public bool AllowMissingMasks { get; init; }
    public int? Threads { get; init; }
}

/// <summary>What <see cref="TrainingRun"/> wrote.</summary>
internal sealed record TrainingOutcome(string ModelPath, string CheckpointPath, string RecordPath, TrainingRecord Record, float Threshold, TimeSpan Elapsed);

/// <summary>
/// Trains DA-CLIP as <c>daclip train</c> and <c>daclip demo</c> do: reads the test split of the dataset (images, labels
/// and masks, the paper's auxiliary-training protocol), fits <see cref="DaClipEstimator"/>, saves the ML.NET model zip
/// atomically and writes the <see cref="TrainingRecord"/> beside it; the trainer writes the checkpoint after every epoch.
/// </summary>
internal static class TrainingRun
{
    /// <summary>Side S the built-in random backbone trains at unless told otherwise (its native resolution).</summary>
    public const int TinyImageSize = 128;

    /// <summary>Default input side for the built-in pretrained <c>mini</c> backbone (its native resolution).</summary>
    public const int MiniImageSize = 64;

    /// <summary>Trains; <paramref name="json"/> turns the progress display off, <paramref name="describe"/> the lines about the data and the backbone.</summary>
    public static TrainingOutcome Run(TrainingSettings s, TextWriter error, bool json, CancellationToken cancellation, bool describe = true)
    {
        var clock = Stopwatch.StartNew();
        var modelPath = Path.GetFullPath(s.ModelPath);
        if (Directory.Exists(modelPath)) throw new CliUsageException($"--out {s.ModelPath} is a folder: give the path of the model zip to write, e.g. {Path.Combine(s.ModelPath, "model.zip")}.");
        var checkpointPath = Path.GetFullPath(s.CheckpointPath ?? ModelFiles.Checkpoint(modelPath));
        if (checkpointPath == modelPath) throw new CliUsageException("--checkpoint and --out name the same file: give the checkpoint its own path (default <out stem>.checkpoint.safetensors).");

        var dataset = DatasetInput.ReadTestSplit(s.Data, s.Classes, s.AllowMissingMasks);
        int masks = dataset.Samples.Count(x => x.MaskPath is not null);
        if (describe && !json)
        {
            error.WriteLine($"Training data: {dataset.Samples.Count} images of {s.Data} ({dataset.AnomalousCount} anomalous, {masks} with masks), " +
                $"classes {string.Join(", ", dataset.Classes)}.");
            if (s.Backbone.IsTiny)
                error.WriteLine("Note: backbone 'tiny' has RANDOM weights: it demonstrates the pipeline only. Use a real CLIP checkpoint (daclip download) for meaningful results.");
        }

        int size = s.ImageSize ?? (s.Backbone.IsTiny ? TinyImageSize : s.Backbone.IsMini ? MiniImageSize : new DaClipModelOptions().ImageSize);
        var progress = new TrainingProgressView(error, json);
        var options = new DaClipOptions
        {
            Backbone = s.Backbone.Backbone,
            VocabPath = s.Backbone.VocabPath,
            ImageColumnName = nameof(AnomalyImageRow.ImagePath),
            LabelColumnName = nameof(AnomalyImageRow.Label),
            MaskColumnName = nameof(AnomalyImageRow.MaskPath),
            ClassColumnName = nameof(AnomalyImageRow.Class),
            Model = new DaClipModelOptions { ImageSize = size },
            Epochs = s.Epochs,
            BatchSize = s.BatchSize,
            Seed = s.Seed,
            TrainingDevice = s.Device,
            FeatureCache = s.FeatureCache,
            TrainingThreads = s.Threads ?? (s.Backbone.IsBuiltIn ? 1 : null),
            CheckpointPath = checkpointPath,
            Progress = progress,
        };
        var ml = new MLContext(s.Seed);
        float threshold;
        try
        {
            using var model = new DaClipEstimator(ml, options).Fit(dataset.ToDataView(ml), cancellation);
            model.Save(modelPath);
            threshold = model.Threshold;
        }
        finally
        {
            progress.Finish();
        }

        var record = new TrainingRecord
        {
            Model = Path.GetFileName(modelPath),
            Backbone = s.Backbone.Backbone,
            Vocab = s.Backbone.VocabPath,
            Checkpoint = checkpointPath,
            CheckpointSha256 = TrainingRecord.Sha256Of(checkpointPath),
            Data = new DatasetSpec(s.Data.Kind, dataset.Root).ToString(),
            Classes = dataset.Classes,
            Images = dataset.Samples.Count,
            AnomalousImages = dataset.AnomalousCount,
            ImageSize = size,
            Epochs = s.Epochs,
            BatchSize = s.BatchSize,
            Seed = s.Seed,
            Device = s.Device,
            FinalLoss = progress.LastEpochLoss,
            CreatedAt = DateTimeOffset.UtcNow,
        };
        var recordPath = ModelFiles.TrainingRecord(modelPath);
        record.Write(recordPath);
        return new TrainingOutcome(modelPath, checkpointPath, recordPath, record, threshold, clock.Elapsed);
    }
}
