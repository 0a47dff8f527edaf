using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using DaClip.Cli.Common;
using DaClip.MLNet;
using DaClip.MLNet.IO;
using DaClip.MLNet.Training.Export;
using Microsoft.ML;

namespace DaClip.Cli.Commands;

/// <summary>
/// <c>daclip export --model model.zip --onnx out.onnx [--fp16 | --int8]</c>: writes the model's ONNX graph for ONNX
/// Runtime elsewhere. Float32 is the graph inside the zip, as it is; float16 and int8 rebuild the network from the
/// backbone and the training checkpoint named in the training record (or given) and export it at that precision with
/// the zip's threshold and image fit.
/// </summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "The model zip written by `daclip train`.", HelpName = "model.zip", Required = true };
        var onnx = new Option<string>("--onnx") { Description = "The ONNX file to write (atomically).", HelpName = "out.onnx", Required = true };
        var fp16 = new Option<bool>("--fp16")
        {
            Description = "Float16 weights and matrix products in the vision tower, for GPUs (docs/onnx-export.md). Rebuilds the network from the backbone " +
                "and the training checkpoint that <stem>.training.json beside the model names (or --checkpoint / --backbone / --vocab).",
        };
        var int8 = new Option<bool>("--int8")
        {
            Description = "Int8 weights (per output channel) and dynamically quantised activations in the vision tower's matrix products, for CPUs: " +
                "about a third of the size and faster, with a small deviation (docs/onnx-export.md). Rebuilds the network like --fp16.",
        };
        var checkpoint = new Option<string?>("--checkpoint") { Description = "With --fp16 / --int8: the training checkpoint, instead of the one in the training record.", HelpName = "path" };
        var backbone = new Option<string?>("--backbone") { Description = "With --fp16 / --int8: the CLIP backbone trained on (checkpoint, downloaded model name or 'tiny'), instead of the one in the training record.", HelpName = "checkpoint|tiny" };
        var vocab = new Option<string?>("--vocab") { Description = "With --fp16 / --int8: CLIP's BPE vocabulary, instead of the one in the training record.", HelpName = "path" };
        var json = CliOptions.Json("what was written as JSON");

        var command = new Command("export",
            "Write a trained model's ONNX graph: float32 as stored in the zip, float16 for GPUs with --fp16, or int8 for CPUs with --int8 (both need the training checkpoint). " +
            "Example: daclip export --model mvtec.zip --onnx mvtec-fp16.onnx --fp16");
        foreach (var o in new Option[] { model, onnx, fp16, int8, checkpoint, backbone, vocab, json, CliOptions.Config() }) command.Options.Add(o);
        command.Validators.Add(result =>
        {
            if (result.GetValue(fp16) && result.GetValue(int8)) result.AddError("--fp16 and --int8 exclude each other: choose one precision.");
            if (result.GetValue(fp16) || result.GetValue(int8)) return;
            foreach (var o in new[] { checkpoint, backbone, vocab })
                if (result.GetResult(o) is not null) result.AddError($"{o.Name} is used only with --fp16 or --int8 (a float32 export copies the graph in the zip).");
        });
        command.SetAction((parse, cancellation) =>
        {
            var error = parse.InvocationConfiguration.Error;
            return VerbRunner.RunAsync("export", error, () => Run(parse.GetValue(model)!, parse.GetValue(onnx)!,
                parse.GetValue(fp16) ? OnnxPrecision.Float16 : parse.GetValue(int8) ? OnnxPrecision.Int8 : OnnxPrecision.Float32, parse.GetValue(checkpoint),
                parse.GetValue(backbone), parse.GetValue(vocab), parse.GetValue(json), parse.InvocationConfiguration.Output, error));
        });
        return command;
    }

    private static int Run(string modelPath, string onnxPath, OnnxPrecision precision, string? checkpoint, string? backbone, string? vocab, bool json, TextWriter output, TextWriter error)
    {
        modelPath = Path.GetFullPath(modelPath);
        onnxPath = Path.GetFullPath(onnxPath);
        if (!File.Exists(modelPath))
            throw new CliUsageException($"--model {modelPath}: no such file. Give a model zip written by `daclip train`.");
        OutputPathGuard.RequireWritableFile("--onnx", onnxPath);
        var inputs = new List<GuardedInput> { new("--model", modelPath) };
        (BackboneSource Backbone, string Checkpoint)? sources = null;
        bool rebuilt = precision != OnnxPrecision.Float32;
        if (rebuilt)
        {
            sources = RebuildSources(modelPath, precision, checkpoint, backbone, vocab);
            inputs.Add(new("--checkpoint", sources.Value.Checkpoint));
            if (!sources.Value.Backbone.IsBuiltIn) inputs.Add(new("--backbone", sources.Value.Backbone.Backbone));
            if (sources.Value.Backbone.VocabPath is { } vocabPath) inputs.Add(new("--vocab", vocabPath));
            inputs.Add(new("training record", ModelFiles.TrainingRecord(modelPath)));
            OutputPathGuard.RefuseInputs("--onnx", onnxPath + ".data", inputs);
        }
        OutputPathGuard.RefuseInputs("--onnx", onnxPath, inputs);
        using var transformer = DaClipTransformer.Load(new MLContext(), modelPath);
        string? usedCheckpoint = null, usedBackbone = null;
        if (sources is not { } rebuildSources)
        {
            AtomicFile.WriteAllBytes(onnxPath, transformer.GetOnnxModel());
        }
        else
        {
            var (source, checkpointPath) = rebuildSources;
            if (!json) error.WriteLine($"Rebuilding the network from {source.Backbone} and {checkpointPath} ...");
            using var rebuild = NetworkRebuild.Load(transformer, source, checkpointPath);
            DaClipOnnxExporter.Export(rebuild.Network, onnxPath, new DaClipExportOptions { Precision = precision, Threshold = transformer.Threshold, Fit = transformer.Fit });
            (usedCheckpoint, usedBackbone) = (checkpointPath, source.Backbone);
        }

        long bytes = new FileInfo(onnxPath).Length;
        string? external = File.Exists(onnxPath + ".data") && rebuilt ? onnxPath + ".data" : null;
        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(new
            {
                model = modelPath,
                onnx = onnxPath,
                externalData = external,
                precision = PrecisionName(precision),
                bytes,
                threshold = transformer.Threshold,
                imageSize = transformer.ImageSize,
                fit = transformer.Fit.ToString(),
                checkpoint = usedCheckpoint,
                backbone = usedBackbone,
            }, CliJson.Indented));
        }
        else
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Wrote {onnxPath} ({PrecisionName(precision)}, {bytes:N0} bytes{(external is null ? "" : $", weights in {external}")}): input 'pixels' float32 [N, 3, {transformer.ImageSize}, {transformer.ImageSize}] RGB in [0, 1], threshold {transformer.Threshold:R}."));
        }
        return 0;
    }

    /// <summary>"float32", "float16" or "int8", as the JSON output and the message say it.</summary>
    private static string PrecisionName(OnnxPrecision precision) => precision.ToString().ToLowerInvariant();

    /// <summary>The backbone and checkpoint a float16 or int8 export rebuilds from: the options given, else the training record's.</summary>
    private static (BackboneSource Backbone, string Checkpoint) RebuildSources(string modelPath, OnnxPrecision precision, string? checkpoint, string? backbone, string? vocab)
    {
        string flag = precision == OnnxPrecision.Int8 ? "--int8" : "--fp16";
        var recordPath = ModelFiles.TrainingRecord(modelPath);
        var record = File.Exists(recordPath) ? TrainingRecord.Read(recordPath) : null;
        if (record is null && (checkpoint is null || backbone is null))
            throw new CliUsageException($"{flag} rebuilds the network from the backbone and the training checkpoint, but the training record {recordPath} " +
                "that `daclip train` writes beside the model is missing. Pass --backbone <checkpoint|tiny> (with --vocab for a checkpoint) and --checkpoint <path>, " +
                $"or export float32 without {flag}.");

        string checkpointPath;
        if (checkpoint is not null)
        {
            checkpointPath = Path.GetFullPath(checkpoint);
        }
        else
        {
            // The record's absolute path, or the same file name beside the record when the folder was moved.
            var besideRecord = Path.Combine(Path.GetDirectoryName(recordPath)!, Path.GetFileName(record!.Checkpoint));
            checkpointPath = File.Exists(record.Checkpoint) ? record.Checkpoint : besideRecord;
            if (File.Exists(checkpointPath) && TrainingRecord.Sha256Of(checkpointPath) != record.CheckpointSha256)
                throw new CliUsageException($"The training checkpoint {checkpointPath} has changed since {Path.GetFileName(modelPath)} was trained (SHA-256 differs from {recordPath}): " +
                    "it was overwritten by another training run. Retrain, or pass --checkpoint with this model's checkpoint.");
        }
        if (!File.Exists(checkpointPath))
            throw new CliUsageException($"{flag} needs the training checkpoint {checkpointPath}, which does not exist. `daclip train` writes it beside the model " +
                $"(<stem>.checkpoint.safetensors, or where --checkpoint said); pass its path with --checkpoint, or export float32 without {flag}.");

        var source = backbone is not null
            ? BackboneSource.Resolve(backbone, vocab)
            : BackboneSource.Resolve(record!.Backbone, vocab ?? record.Vocab, "the training record's backbone");
        return (source, checkpointPath);
    }
}
