using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using DaClip.Cli.Common;
using DaClip.MLNet;
using DaClip.MLNet.Metrics;
using DaClip.MLNet.Training.Clip;
using DaClip.MLNet.Training.Network;
using DaClip.MLNet.Training.Synthetic;
using DaClip.MLNet.Training;
using DaClip.MLNet.Training.ZeroShot;

namespace DaClip.Cli.Bench;

/// <summary>
/// <c>daclip bench ablation</c>: the paper's Fig. 3 and ablations on the held-out synthetic categories, one table with the
/// mean and standard deviation over several seeds of image AUROC / AP, pixel AUROC / AP and PRO (exact convention) for
/// the training-free baseline, DA-CLIP untrained, joint, decoupled, without DAR and without the adapter residual.
/// Each seed draws its own auxiliary (training) and held-out images and its own initialisation.
/// </summary>
internal static class AblationBenchmark
{
    /// <summary>The rows, in the order of the table: key and label.</summary>
    private static readonly (string Key, string Label)[] Variants =
    [
        ("zero-shot", "training-free baseline (prompt ensemble)"),
        ("init", "DA-CLIP untrained (init)"),
        ("joint", "DA-CLIP joint (single text encoder)"),
        ("decoupled", "DA-CLIP decoupled"),
        ("nodar", "DA-CLIP without DAR"),
        ("nores", "DA-CLIP without adapter residual"),
    ];

    public static Command CreateCommand()
    {
        var backbone = new Option<string>("--backbone") { Description = "CLIP backbone: a built-in name (tiny), a checkpoint file or a model fetched with `daclip download`.", DefaultValueFactory = _ => ClipBackbone.TinyName };
        var vocab = new Option<string?>("--vocab") { Description = "CLIP's BPE vocabulary for a checkpoint backbone; default: the cached one." };
        var size = new Option<int?>("--size") { Description = "Image side S; default: the backbone's native resolution." };
        var epochs = CliOptions.Positive(new Option<int>("--epochs") { Description = "Training epochs of each DA-CLIP variant.", DefaultValueFactory = _ => 5 });
        var perClass = CliOptions.Positive(new Option<int>("--per-class") { Description = "Anomalous images per category (normal: half as many), for training and for testing.", DefaultValueFactory = _ => 24 });
        var seeds = CliOptions.Positive(new Option<int>("--seeds") { Description = "Number of seeds (1, 2, ...): data, initialisation and shuffles.", DefaultValueFactory = _ => 3 });
        var threads = new Option<int?>("--threads") { Description = "libtorch CPU threads for training; default 1 for tiny, libtorch's default otherwise." };
        var prompts = new Option<string>("--prompts") { Description = "Prompt ensemble of the training-free baseline: winclip (WinCLIP's 22 templates) or plain (2 templates, for small word vocabularies).", DefaultValueFactory = _ => "winclip" };
        prompts.AcceptOnlyFromAmong("winclip", "plain");
        var variants = new Option<string[]>("--variants") { Description = "Rows to run: " + string.Join(", ", Variants.Select(v => v.Key)) + " (default all).", AllowMultipleArgumentsPerToken = true };
        var json = CliOptions.Json("every per-seed result and the mean and standard deviation as JSON");
        var command = new Command("ablation",
            "Fig. 3 and the ablations on held-out synthetic categories: training-free baseline vs DA-CLIP (init, joint, decoupled, w/o DAR, w/o adapter residual), mean ± std over seeds.");
        foreach (var o in new Option[] { backbone, vocab, size, epochs, perClass, seeds, threads, prompts, variants, json }) command.Options.Add(o);
        command.SetAction((parse, cancellation) =>
        {
            var error = parse.InvocationConfiguration.Error;
            return VerbRunner.RunAsync("bench ablation", error, () => Run(parse.GetValue(backbone)!, parse.GetValue(vocab), parse.GetValue(size), parse.GetValue(epochs),
                parse.GetValue(perClass), parse.GetValue(seeds), parse.GetValue(threads),
                parse.GetValue(prompts)!, parse.GetValue(variants), parse.GetValue(json), parse.InvocationConfiguration.Output, error, cancellation));
        });
        return command;
    }

    private static int Run(string backboneName, string? vocab, int? sizeOption, int epochs, int perClass, int seedCount, int? threads,
        string promptsName, string[]? only, bool json, TextWriter output, TextWriter error, CancellationToken cancellation)
    {
        var ensemble = promptsName == "plain" ? CompositionalPromptEnsemble.Plain : new CompositionalPromptEnsemble();
        if (only is { Length: > 0 } && only.Except(Variants.Select(v => v.Key)).ToList() is { Count: > 0 } unknown)
            throw new CliUsageException($"--variants: unknown row(s) {string.Join(", ", unknown)}; use {string.Join(", ", Variants.Select(v => v.Key))}.");
        var rowsToRun = Variants.Where(v => only is not { Length: > 0 } || only.Contains(v.Key)).ToArray();
        var source = BackboneSource.Resolve(backboneName, vocab);
        using var backbone = ClipBackbone.Load(source.Backbone, source.VocabPath);
        var cfg = backbone.Model.Config;
        int size = sizeOption ?? cfg.ImageResolution;
        if (size % cfg.VisionPatchSize != 0)
            throw new CliUsageException($"--size {size} is not a multiple of the backbone's patch size {cfg.VisionPatchSize}.");
        var split = SyntheticDefectSplit.Default;
        var clock = Stopwatch.StartNew();
        var results = rowsToRun.ToDictionary(v => v.Key, _ => new List<SegmentationMetrics>());
        var seeds = Enumerable.Range(1, seedCount).ToArray();
        foreach (int seed in seeds)
        {
            var template = new SyntheticDefectOptions { ImageSize = size, Seed = seed, TrainGoodPerClass = 0, TestGoodPerClass = perClass / 2, TestAnomalousPerClass = perClass };
            var auxiliary = new SyntheticDefectGenerator(split.AuxiliaryOptions(template));
            var heldOutTemplate = template.Clone();
            heldOutTemplate.Seed = seed + 1000;
            var heldOut = new SyntheticDefectGenerator(split.HeldOutOptions(heldOutTemplate));
            var trainSet = new InMemoryTrainingSet(auxiliary.Categories.SelectMany(auxiliary.TestImages)
                .Select(i => new TrainingExample(i.ToChw(), i.IsAnomalous ? HeldOutEvaluation.Binary(i.Mask) : null, i.IsAnomalous)).ToList());
            var testImages = heldOut.Categories.SelectMany(heldOut.TestImages).ToList();
            foreach (var (key, _) in rowsToRun)
            {
                cancellation.ThrowIfCancellationRequested();
                var metrics = RunVariant(key, backbone, size, epochs, seed, threads ?? (source.IsBuiltIn ? 1 : null), ensemble, trainSet, testImages, cancellation);
                results[key].Add(metrics);
                if (!json)
                    error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"seed {seed} {key}: image AUROC {metrics.ImageAuroc:F3}, pixel AUROC {metrics.PixelAuroc:F3}, PRO {metrics.PixelAuproExact:F3} ({clock.Elapsed.TotalSeconds:F0} s)"));
            }
        }

        if (json)
        {
            var document = new
            {
                backbone = cfg.ArchitectureName,
                imageSize = size,
                epochs,
                perClass,
                seeds,
                auxiliary = split.Auxiliary.Select(c => c.FolderName()).ToArray(),
                heldOut = split.HeldOut.Select(c => c.FolderName()).ToArray(),
                seconds = Math.Round(clock.Elapsed.TotalSeconds, 1),
                prompts = promptsName,
                rows = rowsToRun.Select(v => new
                {
                    variant = v.Key,
                    label = v.Label,
                    perSeed = results[v.Key].Select((m, i) => new { seed = seeds[i], metrics = Summarise([m], x => x.Single()) }).ToArray(),
                    mean = Summarise(results[v.Key], Mean),
                    std = Summarise(results[v.Key], SampleStd),
                }).ToArray(),
            };
            output.WriteLine(JsonSerializer.Serialize(document, CliJson.Indented));
            return 0;
        }
        output.WriteLine($"Backbone {cfg.ArchitectureName}, S = {size}, {epochs} epoch(s), seeds {string.Join(", ", seeds)}; " +
            $"train on {string.Join(", ", split.Auxiliary.Select(c => c.FolderName()))}, test zero-shot on {string.Join(", ", split.HeldOut.Select(c => c.FolderName()))} " +
            $"({perClass} anomalous + {perClass / 2} normal images per category and seed); baseline prompts: {ensemble.NormalPrompts().Count} normal, {ensemble.AnomalyPrompts().Count} anomalous.");
        output.WriteLine("Mean ± standard deviation over seeds (sample std); metrics are the mean over held-out categories; PRO: exact convention, FPR ≤ 0.3.");
        output.WriteLine();
        output.WriteLine("| variant | image AUROC | image AP | pixel AUROC | pixel AP | PRO |");
        output.WriteLine("|---|---|---|---|---|---|");
        foreach (var (key, label) in rowsToRun)
        {
            var m = results[key];
            string Cell(Func<SegmentationMetrics, double> f) =>
                string.Create(CultureInfo.InvariantCulture, $"{Mean(m.Select(f)):F3} ± {SampleStd(m.Select(f)):F3}");
            output.WriteLine($"| {label} | {Cell(x => x.ImageAuroc)} | {Cell(x => x.ImageAveragePrecision)} | {Cell(x => x.PixelAuroc)} | {Cell(x => x.PixelAveragePrecision)} | {Cell(x => x.PixelAuproExact)} |");
        }
        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Total {clock.Elapsed.TotalSeconds:F0} s."));
        return 0;
    }

    private static SegmentationMetrics RunVariant(string key, ClipBackbone backbone, int size, int epochs, int seed, int? threads,
        CompositionalPromptEnsemble ensemble, InMemoryTrainingSet trainSet, IReadOnlyList<SyntheticImage> testImages, CancellationToken cancellation)
    {
        var options = new DaClipModelOptions { ImageSize = size };
        if (key == "zero-shot")
        {
            using var baseline = ZeroShotNetwork.Create(backbone.Model, backbone.Tokenizer, options, ensemble);
            return HeldOutEvaluation.Evaluate(baseline.Predict, size, testImages).Mean;
        }
        options = key switch
        {
            "joint" => options with { Alignment = TextAlignment.Joint },
            "nodar" => options with { UseDar = false },
            "nores" => options with { AdapterResidual = false },
            _ => options,
        };
        var training = new DaClipTrainingOptions { Epochs = epochs, BatchSize = 8, Seed = seed, FeatureCache = FeatureCacheMode.Memory, Threads = threads };
        var trainer = DaClipTrainer.Create(backbone.Model, PromptBank.Create(options, backbone.Tokenizer, backbone.Model.Config.ContextLength), options, training);
        using var network = trainer.Network;
        if (key != "init") trainer.Train(trainSet, progress: null, cancellation);
        network.eval();
        return HeldOutEvaluation.Evaluate(network.Predict, size, testImages).Mean;
    }

    private static object Summarise(IReadOnlyList<SegmentationMetrics> m, Func<IEnumerable<double>, double> f) => new
    {
        imageAuroc = f(m.Select(x => x.ImageAuroc)),
        imageAp = f(m.Select(x => x.ImageAveragePrecision)),
        pixelAuroc = f(m.Select(x => x.PixelAuroc)),
        pixelAp = f(m.Select(x => x.PixelAveragePrecision)),
        pro = f(m.Select(x => x.PixelAuproExact)),
    };

    private static double Mean(IEnumerable<double> values) => values.Average();

    /// <summary>Sample standard deviation (n − 1); 0 for a single value.</summary>
    private static double SampleStd(IEnumerable<double> values)
    {
        var v = values.ToArray();
        if (v.Length < 2) return 0;
        double mean = v.Average();
        return Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1));
    }
}
