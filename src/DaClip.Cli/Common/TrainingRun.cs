using System.Diagnostics;
using DaClip.MLNet;
using DaClip.MLNet.Data;
using DaClip.MLNet.Training;
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
    public int Epochs { get; init; } = DaClipDefaults.Epochs;
    public int BatchSize { get; init; } = DaClipDefaults.BatchSize;
    public int? ImageSize { get; init; }
    public int Seed { get; init; } = 42;
    public double LearningRate { get; init; } = DaClipDefaults.LearningRate;
    public string Device { get; init; } = "cpu";
    public FeatureCacheMode FeatureCache { get; init; } = FeatureCacheMode.Auto;
    public bool AllowMissingMasks { get; init; }
    public bool ResizeMasks { get; init; }
    public int? Threads { get; init; }
    /// <summary>The network options (METHOD defaults); <see cref="DaClipModelOptions.ImageSize"/> is replaced by the resolved <see cref="ImageSize"/>.</summary>
    public DaClipModelOptions Model { get; init; } = new();
    public (double Beta1, double Beta2) AdamBetas { get; init; } = (DaClipDefaults.AdamBeta1, DaClipDefaults.AdamBeta2);
    /// <summary>Continue from the checkpoint at <see cref="CheckpointPath"/> (default: beside the model).</summary>
    public bool Resume { get; init; }

    /// <summary>Replace a checkpoint left by an unfinished run (or a file that is not a finished DA-CLIP checkpoint) at the checkpoint path.</summary>
    public bool Force { get; init; }
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
        var recordPath = ModelFiles.TrainingRecord(modelPath);
        var dataset = TrainingOutputs.Check(s, modelPath, checkpointPath, recordPath);
        MaskSizeCheck.Check(dataset, s.ResizeMasks, error);
        int masks = dataset.Samples.Count(x => x.MaskPath is not null);
        if (describe && !json)
        {
            error.WriteLine($"Training data: {dataset.Samples.Count} images of {s.Data} ({dataset.AnomalousCount} anomalous, {masks} with masks), " +
                $"classes {string.Join(", ", dataset.Classes)}.");
            if (s.Backbone.IsTiny)
                error.WriteLine("Note: backbone 'tiny' has RANDOM weights: it demonstrates the pipeline only. Use a real CLIP checkpoint (daclip download) for meaningful results.");
        }

        int size = s.ImageSize ?? (s.Backbone.IsTiny ? TinyImageSize : s.Backbone.IsMini ? MiniImageSize : new DaClipModelOptions().ImageSize);
        var model = s.Model with { ImageSize = size };
        if (s.Resume) CheckResumable(checkpointPath, model, s);
        var progress = new TrainingProgressView(error, json);
        var options = new DaClipOptions
        {
            Backbone = s.Backbone.Backbone,
            VocabPath = s.Backbone.VocabPath,
            ImageColumnName = nameof(AnomalyImageRow.ImagePath),
            LabelColumnName = nameof(AnomalyImageRow.Label),
            MaskColumnName = nameof(AnomalyImageRow.MaskPath),
            ClassColumnName = nameof(AnomalyImageRow.Class),
            Model = model,
            Epochs = s.Epochs,
            BatchSize = s.BatchSize,
            LearningRate = s.LearningRate,
            AdamBeta1 = s.AdamBetas.Beta1,
            AdamBeta2 = s.AdamBetas.Beta2,
            ResumeFrom = s.Resume ? checkpointPath : null,
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
            using var fitted = new DaClipEstimator(ml, options).Fit(dataset.ToDataView(ml), cancellation);
            fitted.Save(modelPath);
            threshold = fitted.Threshold;
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
        record.Write(recordPath);
        return new TrainingOutcome(modelPath, checkpointPath, recordPath, record, threshold, clock.Elapsed);
    }

    /// <summary>
    /// <c>--resume</c>: the checkpoint must exist, hold fewer epochs than asked, and come from the same network and
    /// optimiser settings; otherwise the resumed run could not equal an uninterrupted one.
    /// </summary>
    private static void CheckResumable(string checkpointPath, DaClipModelOptions model, TrainingSettings s)
    {
        if (!File.Exists(checkpointPath))
            throw new CliUsageException($"--resume: no checkpoint at {checkpointPath}. Train without --resume first (the checkpoint is written after every epoch beside --out), or name it with --checkpoint.");
        var info = DaClipCheckpoint.ReadInfo(checkpointPath);
        if (info.EpochsCompleted >= s.Epochs)
            throw new CliUsageException($"--resume: the checkpoint {checkpointPath} already holds {info.EpochsCompleted} epoch(s) and --epochs is {s.Epochs}: raise --epochs to train further.");
        var t = info.TrainingOptions;
        var differences = new List<string>();
        if (!info.ModelOptions.Equals(model)) differences.Add($"network options (checkpoint {info.ModelOptions.ToJson()}, now {model.ToJson()})");
        if (t.BatchSize != s.BatchSize) differences.Add($"--batch-size {t.BatchSize} vs {s.BatchSize}");
        if (t.Seed != s.Seed) differences.Add($"--seed {t.Seed} vs {s.Seed}");
        if (t.LearningRate != s.LearningRate) differences.Add($"--learning-rate {t.LearningRate} vs {s.LearningRate}");
        if (t.Beta1 != s.AdamBetas.Beta1 || t.Beta2 != s.AdamBetas.Beta2) differences.Add($"--adam-betas {t.Beta1},{t.Beta2} vs {s.AdamBetas.Beta1},{s.AdamBetas.Beta2}");
        if (differences.Count > 0)
            throw new CliUsageException($"--resume: the checkpoint {checkpointPath} was trained with other settings: {string.Join("; ", differences)}. Resume with the settings it was trained with.");
    }
}
