using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using DaClip.Cli.Common;
using DaClip.MLNet.Training.Clip;
using DaClip.MLNet.Training.Pretraining;

namespace DaClip.Cli.Commands;

/// <summary>
/// <c>daclip pretrain --out mini.safetensors ...</c>: contrastive CLIP pretraining on the captioned synthetic corpus
/// (<see cref="ClipPretrainer"/>); writes the backbone file that the build embeds as <c>mini</c>, with its vocabulary,
/// fingerprint and provenance. The defaults are the settings of the shipped <c>mini</c> (docs/pretraining.md): the
/// same command on the same machine type reproduces it bit for bit.
/// </summary>
internal static class PretrainCommand
{
    public static Command Create()
    {
        var defaults = new ClipPretrainingOptions();
        var output = new Option<string>("--out") { Description = "The backbone file to write (safetensors, fp16, atomically).", HelpName = "mini.safetensors", Required = true };
        var images = CliOptions.Positive(new Option<int>("--images") { Description = "Corpus images to pretrain on.", HelpName = "N", DefaultValueFactory = _ => defaults.Images });
        var validation = new Option<int>("--validation") { Description = "Held-out image-caption pairs for the retrieval accuracy after every epoch.", HelpName = "N", DefaultValueFactory = _ => defaults.ValidationImages };
        var epochs = CliOptions.Positive(new Option<int>("--epochs") { Description = "Passes over the corpus.", HelpName = "N", DefaultValueFactory = _ => defaults.Epochs });
        var batchSize = CliOptions.Positive(new Option<int>("--batch-size") { Description = "Image-caption pairs per contrastive batch.", HelpName = "N", DefaultValueFactory = _ => defaults.BatchSize });
        var lr = new Option<double>("--lr") { Description = "Peak AdamW learning rate.", HelpName = "X", DefaultValueFactory = _ => defaults.LearningRate };
        var seed = new Option<int>("--seed") { Description = "Seed of the initial weights and the shuffles.", HelpName = "N", DefaultValueFactory = _ => defaults.Seed };
        var corpusSeed = new Option<int>("--corpus-seed") { Description = "Seed of the caption corpus.", HelpName = "N", DefaultValueFactory = _ => defaults.CorpusSeed };
        var hardNegatives = new Option<bool>("--hard-negatives") { Description = "Pair every scene's flawless and defective rendering in one batch, captions differing in the state words (true/false).", HelpName = "true|false", DefaultValueFactory = _ => defaults.HardNegatives };
        var threads = CliOptions.Positive(new Option<int>("--threads") { Description = "libtorch CPU threads (the result is reproducible for a fixed count).", HelpName = "N", DefaultValueFactory = _ => defaults.Threads ?? 1 });
        var checkpoint = new Option<string?>("--checkpoint") { Description = "Pretraining checkpoint rewritten after every epoch; default <out>.checkpoint.safetensors.", HelpName = "path" };
        var resume = new Option<bool>("--resume") { Description = "Continue from the checkpoint (same settings)." };
        var json = CliOptions.Json("the pretraining summary as JSON");

        var command = new Command("pretrain",
            "Pretrain a small CLIP contrastively on the captioned synthetic corpus and write it as a backbone file (the embedded 'mini'). " +
            "Example: daclip pretrain --out src/DaClip.MLNet.Training/Backbones/mini.safetensors");
        foreach (var o in new Option[] { output, images, validation, epochs, batchSize, lr, seed, corpusSeed, hardNegatives, threads, checkpoint, resume, json })
            command.Options.Add(o);
        command.SetAction((parse, cancellation) =>
        {
            var error = parse.InvocationConfiguration.Error;
            return VerbRunner.RunAsync("pretrain", error, () =>
            {
                bool asJson = parse.GetValue(json);
                var options = new ClipPretrainingOptions
                {
                    Images = parse.GetValue(images),
                    ValidationImages = parse.GetValue(validation),
                    Epochs = parse.GetValue(epochs),
                    BatchSize = parse.GetValue(batchSize),
                    LearningRate = parse.GetValue(lr),
                    Seed = parse.GetValue(seed),
                    CorpusSeed = parse.GetValue(corpusSeed),
                    HardNegatives = parse.GetValue(hardNegatives),
                    Threads = parse.GetValue(threads),
                };
                var outPath = Path.GetFullPath(parse.GetValue(output)!);
                var checkpointPath = parse.GetValue(checkpoint) ?? outPath + ".checkpoint.safetensors";
                options = options with { CheckpointPath = checkpointPath };
                bool resumeRun = parse.GetValue(resume);
                if (resumeRun && !File.Exists(checkpointPath))
                    throw new CliUsageException($"--resume: no checkpoint at {checkpointPath}. Run without --resume, or pass --checkpoint.");
                var provenance = string.Create(CultureInfo.InvariantCulture,
                    $"daclip pretrain --images {options.Images} --validation {options.ValidationImages} --epochs {options.Epochs} --batch-size {options.BatchSize} --lr {options.LearningRate} --seed {options.Seed} --corpus-seed {options.CorpusSeed}{(options.HardNegatives ? " --hard-negatives true" : "")} --threads {options.Threads}");
                var clock = System.Diagnostics.Stopwatch.StartNew();
                using var pretrainer = ClipPretrainer.Create(options, m => error.WriteLine(m));
                error.WriteLine($"Pretraining {pretrainer.Model.Config.Describe()}; vocabulary {pretrainer.Tokenizer.VocabSize} ids.");
                var progress = new ThrottledProgress(error);
                var result = pretrainer.Train(progress, cancellation, resumeRun ? checkpointPath : null);
                MiniBackbone.Write(outPath, pretrainer.Model, pretrainer.Tokenizer, provenance, pretrainer.Model.Config.Describe() + ";" + options.Describe());
                var last = result.Retrieval.Count > 0 ? result.Retrieval[^1] : null;
                var stdout = parse.InvocationConfiguration.Output;
                if (asJson)
                {
                    stdout.WriteLine(JsonSerializer.Serialize(new
                    {
                        output = outPath,
                        bytes = new FileInfo(outPath).Length,
                        seconds = Math.Round(clock.Elapsed.TotalSeconds, 1),
                        epochLosses = result.EpochLosses,
                        retrievalTop1 = result.Retrieval.Select(r => r.Top1),
                        retrievalTop5 = result.Retrieval.Select(r => r.Top5),
                        provenance,
                    }, CliJson.Indented));
                }
                else
                {
                    stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"Wrote {outPath} ({new FileInfo(outPath).Length / 1048576.0:F1} MB) in {clock.Elapsed.TotalMinutes:F1} min; final loss {result.EpochLosses[^1]:F4}") +
                        (last is null ? "." : $"; held-out retrieval {last}."));
                }
                return 0;
            });
        });
        return command;
    }

    /// <summary>Writes a progress line at most every 10 seconds.</summary>
    private sealed class ThrottledProgress(TextWriter writer) : IProgress<ClipPretrainingProgress>
    {
        private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
        private double _last = -10;

        public void Report(ClipPretrainingProgress value)
        {
            lock (_clock)
            {
                if (_clock.Elapsed.TotalSeconds - _last < 10 && value.Step != value.Steps) return;
                _last = _clock.Elapsed.TotalSeconds;
                writer.WriteLine(value.ToString());
            }
        }
    }
}
