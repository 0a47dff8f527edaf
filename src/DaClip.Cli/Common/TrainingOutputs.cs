using DaClip.MLNet;
using DaClip.MLNet.Data;
using DaClip.MLNet.IO;
using DaClip.MLNet.Training;

namespace DaClip.Cli.Common;

/// <summary>
/// The checks <see cref="TrainingRun"/> makes on the files it will write (model zip, checkpoint, training record) before
/// any training: each can be written, none is an input (backbone, vocabulary, an image or mask of the data) or another
/// output, and the checkpoint path does not hold the checkpoint of an unfinished run, whose epochs a rerun would overwrite.
/// </summary>
internal static class TrainingOutputs
{
    /// <summary>Checks the outputs and reads the training data (whose files are inputs too); returns the data.</summary>
    /// <exception cref="CliUsageException">An output cannot be written, is an input, or would replace an unfinished run's checkpoint.</exception>
    public static AnomalyDataset Check(TrainingSettings s, string modelPath, string checkpointPath, string recordPath)
    {
        var outputs = new[] { ("--out", modelPath), ("--checkpoint", checkpointPath), ("training record", recordPath) };
        foreach (var (option, path) in outputs) OutputPathGuard.RequireWritableFile(option, path);
        for (int i = 0; i < outputs.Length; i++)
            for (int j = i + 1; j < outputs.Length; j++)
                if (ResolvedPaths.Comparer.Equals(ResolvedPaths.Resolve(outputs[i].Item2), ResolvedPaths.Resolve(outputs[j].Item2)))
                    throw new CliUsageException($"{outputs[j].Item1} {outputs[j].Item2} and {outputs[i].Item1} {outputs[i].Item2} are the same file: " +
                        "give each its own path (the checkpoint defaults to <out stem>.checkpoint.safetensors).");
        if (!s.Force && !s.Resume) RefuseUnfinishedCheckpoint(checkpointPath);

        var inputs = new List<GuardedInput>();
        if (!s.Backbone.IsBuiltIn) inputs.Add(new("--backbone", s.Backbone.Backbone));
        if (s.Backbone.VocabPath is { } vocab) inputs.Add(new("--vocab", vocab));
        foreach (var (option, path) in outputs) OutputPathGuard.RefuseInputs(option, path, inputs);

        var dataset = DatasetInput.ReadTestSplit(s.Data, s.Classes, s.AllowMissingMasks);
        var dataFiles = dataset.Samples.SelectMany(x => x.MaskPath is null ? [x.ImagePath] : new[] { x.ImagePath, x.MaskPath })
            .Select(ResolvedPaths.Resolve).ToHashSet(ResolvedPaths.Comparer);
        foreach (var (option, path) in outputs)
        {
            if (dataFiles.Contains(ResolvedPaths.Resolve(path)))
                throw new CliUsageException($"{option} {path} is a file of the training data --data {s.Data}: writing there would destroy it. Choose another output path.");
        }
        return dataset;
    }

    /// <summary>
    /// A checkpoint whose epochs completed are fewer than the epochs its run asked for is an interrupted run's work; a
    /// file that is not a DA-CLIP checkpoint is the user's. Both are kept unless <c>--force</c> (or <c>--resume</c>, which continues the run).
    /// </summary>
    private static void RefuseUnfinishedCheckpoint(string checkpointPath)
    {
        if (!File.Exists(checkpointPath)) return;
        string what;
        try
        {
            var info = DaClipCheckpoint.ReadInfo(checkpointPath);
            if (info.EpochsCompleted >= info.TrainingOptions.Epochs) return;
            what = $"holds an unfinished training run ({info.EpochsCompleted} of {info.TrainingOptions.Epochs} epochs, e.g. stopped by Ctrl+C)";
        }
        catch (DaClipException)
        {
            what = "is not the checkpoint of a finished DA-CLIP training run";
        }
        throw new CliUsageException($"--checkpoint {checkpointPath} {what}; training would overwrite it. " +
            "Continue it with --resume, keep it by choosing another --checkpoint (or --out), or pass --force to replace it.");
    }
}
