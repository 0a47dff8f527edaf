using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using DaClip.Cli.Common;
using DaClip.MLNet;
using DaClip.MLNet.Data;
using DaClip.MLNet.Training;

namespace DaClip.Cli.Commands;

/// <summary>
/// <c>daclip train --data kind:root --backbone checkpoint|tiny --out model.zip ...</c>: trains DA-CLIP on the test split
/// of an auxiliary dataset (images, labels, masks: the paper trains on MVTec-AD's test split and tests on the others),
/// writes the ML.NET model zip, the training checkpoint and the training record that <c>export --fp16</c> reads.
/// </summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var data = CliOptions.Data("Auxiliary training data; its test split is read with labels and masks.");
        var classes = CliOptions.Classes();
        var backbone = new Option<string>("--backbone")
        {
            Description = "CLIP backbone: a checkpoint file, a model fetched with `daclip download` (e.g. ViT-L/14@336px, the paper's), or 'tiny' (random weights, pipeline demonstration only).",
            HelpName = "checkpoint|tiny",
            Required = true,
        };
        var vocab = new Option<string?>("--vocab")
        {
            Description = "CLIP's BPE vocabulary (bpe_simple_vocab_16e6.txt.gz) for a checkpoint backbone; default: the one `daclip download` cached.",
            HelpName = "path",
        };
        var output = new Option<string>("--out")
        {
            Description = "The ML.NET model zip to write (atomically). The checkpoint and <stem>.training.json go beside it.",
            HelpName = "model.zip",
            Required = true,
        };
        var epochs = CliOptions.Positive(new Option<int>("--epochs") { Description = "Passes over the training images.", HelpName = "N", DefaultValueFactory = _ => DaClipDefaults.Epochs });
        var batchSize = CliOptions.Positive(new Option<int>("--batch-size") { Description = "Images per optimisation step.", HelpName = "N", DefaultValueFactory = _ => DaClipDefaults.BatchSize });
        var imageSize = new Option<int?>("--image-size")
        {
            Description = $"Input side S in pixels, a multiple of the backbone's patch size; default 518 (ViT-L/14@336px, as in the paper), {TrainingRun.TinyImageSize} for 'tiny'.",
            HelpName = "S",
        };
        imageSize.Validators.Add(r =>
        {
            if (CliOptions.Converted<int>(r) is < 1 and var s) r.AddError($"--image-size is {s}: it must be a positive number of pixels.");
        });
        var seed = new Option<int>("--seed") { Description = "Seed of the initialisation and the shuffles: the same data, options and seed give the same model on CPU.", HelpName = "N", DefaultValueFactory = _ => 42 };
        var device = CliOptions.Device("TorchSharp training device (cuda needs the CUDA backend, docs/gpu.md).");
        var checkpoint = new Option<string?>("--checkpoint")
        {
            Description = "Training checkpoint, rewritten after every epoch; default <out stem>.checkpoint.safetensors. `export --fp16` rebuilds the network from it.",
            HelpName = "path",
        };
        var featureCache = new Option<string>("--feature-cache")
        {
            Description = "Where the frozen backbone's features are kept between epochs: auto (memory when it fits, else disk), none, memory, disk.",
            HelpName = "auto|none|memory|disk",
            DefaultValueFactory = _ => "auto",
        };
        featureCache.AcceptOnlyFromAmong("auto", "none", "memory", "disk");
        var threads = new Option<int?>("--threads")
        {
            Description = "libtorch CPU threads (default: 1 for the tiny backbone, libtorch's default — one per core — otherwise).",
        };
        var allowMissingMasks = DatasetInput.AllowMissingMasksOption();
        var resizeMasks = MaskSizeCheck.ResizeMasksOption();
        var force = new Option<bool>("--force")
        {
            Description = "Replace the file at the checkpoint path even when it is an unfinished run's checkpoint (e.g. stopped by Ctrl+C) or not a DA-CLIP checkpoint; " +
                "without it such a file is kept and train stops before any work.",
        };
        var json = CliOptions.Json("the files written and the training summary as JSON");
        var resume = new Option<bool>("--resume")
        {
            Description = "Continue from the checkpoint beside --out (or --checkpoint): its weights, Adam state and completed epochs, up to --epochs. " +
                "With the same data and options the result is bit-identical to an uninterrupted run (CPU).",
        };
        var networkFlags = new ModelOptionFlags();

        var command = new Command("train",
            "Train DA-CLIP on an auxiliary dataset (its test split, with masks, as in the paper) and save the ML.NET model zip, " +
            "the training checkpoint and a training record beside it. Example: daclip train --data mvtec:/data/mvtec --backbone ViT-L/14@336px --out mvtec.zip");
        foreach (var o in new Option[] { data, classes, backbone, vocab, output, epochs, batchSize, imageSize, seed, device, checkpoint, featureCache, threads, allowMissingMasks, resizeMasks, force, json, resume, CliOptions.Config() })
            command.Options.Add(o);
        foreach (var o in networkFlags.All) command.Options.Add(o);
        command.SetAction((parse, cancellation) =>
        {
            var error = parse.InvocationConfiguration.Error;
            return VerbRunner.RunAsync("train", error, () =>
            {
                bool asJson = parse.GetValue(json);
                var settings = new TrainingSettings
                {
                    Data = parse.GetValue(data)!,
                    Classes = parse.GetValue(classes),
                    Backbone = BackboneSource.Resolve(parse.GetValue(backbone)!, parse.GetValue(vocab)),
                    ModelPath = parse.GetValue(output)!,
                    CheckpointPath = parse.GetValue(checkpoint),
                    Epochs = parse.GetValue(epochs),
                    BatchSize = parse.GetValue(batchSize),
                    ImageSize = parse.GetValue(imageSize),
                    Seed = parse.GetValue(seed),
                    Device = parse.GetValue(device)!,
                    FeatureCache = Enum.Parse<FeatureCacheMode>(parse.GetValue(featureCache)!, ignoreCase: true),
                    Threads = parse.GetValue(threads),
                    AllowMissingMasks = parse.GetValue(allowMissingMasks),
                    Model = networkFlags.Model(parse, imageSize: 0),
                    LearningRate = networkFlags.LearningRate(parse),
                    AdamBetas = networkFlags.AdamBetas(parse),
                    Resume = parse.GetValue(resume),
                    ResizeMasks = parse.GetValue(resizeMasks),
                    Force = parse.GetValue(force),
                };
                var outcome = TrainingRun.Run(settings, error, asJson, cancellation);
                Print(outcome, parse.InvocationConfiguration.Output, asJson);
                return 0;
            });
        });
        return command;
    }

    private static void Print(TrainingOutcome o, TextWriter output, bool json)
    {
        var r = o.Record;
        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(new
            {
                model = o.ModelPath,
                checkpoint = o.CheckpointPath,
                record = o.RecordPath,
                backbone = r.Backbone,
                data = r.Data,
                classes = r.Classes,
                images = r.Images,
                anomalousImages = r.AnomalousImages,
                imageSize = r.ImageSize,
                epochs = r.Epochs,
                finalLoss = r.FinalLoss,
                threshold = o.Threshold,
                seconds = Math.Round(o.Elapsed.TotalSeconds, 3),
            }, CliJson.Indented));
            return;
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Trained on {r.Images} images ({r.AnomalousImages} anomalous) of {r.Classes.Count} class(es), S = {r.ImageSize}, {r.Epochs} epoch(s): final mean loss {r.FinalLoss:F4} ({o.Elapsed.TotalSeconds:F1} s)."));
        output.WriteLine($"Model:      {o.ModelPath}");
        output.WriteLine($"Checkpoint: {o.CheckpointPath}");
        output.WriteLine($"Record:     {o.RecordPath}");
        output.WriteLine($"Next: daclip test --data <kind>:<root> --model {o.ModelPath} --report report/");
    }
}
