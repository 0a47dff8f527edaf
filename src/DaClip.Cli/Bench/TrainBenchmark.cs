using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using DaClip.MLNet;
using DaClip.MLNet.Metrics;
using DaClip.MLNet.Training.Clip;
using DaClip.MLNet.Training.Network;
using DaClip.MLNet.Training.Synthetic;
using DaClip.MLNet.Training;
using TorchSharp;

namespace DaClip.Cli.Bench;

/// <summary>
/// <c>daclip bench train</c>: trains DA-CLIP on the auxiliary synthetic categories with the tiny backbone and evaluates
/// zero-shot on the held-out categories, for the untrained network and each ablation (decoupled, joint alignment,
/// without DAR, Token Adapter without residual). Prints image AUROC, pixel AUROC and PRO (exact convention), the
/// epoch wall times with the feature cache and peak memory. Results go to docs/benchmarks.md.
/// </summary>
internal static class TrainBenchmark
{
    private static readonly string[] AllVariants = ["init", "decoupled", "joint", "nodar", "nores"];

    public static Command CreateCommand()
    {
        var size = new Option<int>("--size") { Description = "Image side S (the tiny backbone's native 128 by default).", DefaultValueFactory = _ => 128 };
        var epochs = new Option<int>("--epochs") { Description = "Training epochs.", DefaultValueFactory = _ => 5 };
        var perClass = new Option<int>("--per-class") { Description = "Anomalous test images per category (normal: half as many).", DefaultValueFactory = _ => 24 };
        var seed = new Option<int>("--seed") { Description = "Seed of data, initialisation and shuffles.", DefaultValueFactory = _ => 1 };
        var auxiliaryToo = new Option<bool>("--auxiliary-too") { Description = "Also evaluate on fresh images of the training categories (in-distribution check)." };
        var variants = new Option<string[]>("--variants") { Description = "Subset of: " + string.Join(", ", AllVariants), DefaultValueFactory = _ => AllVariants, AllowMultipleArgumentsPerToken = true };
        var int8 = new Option<bool>("--int8")
        {
            Description = "Also export each trained variant as float32 and int8 ONNX graphs, score the held-out images with both on ONNX Runtime (batch 1) " +
                "and report the change of image / pixel AUROC and PRO, the score difference and the per-image map correlation.",
        };
        var json = BenchJson.Option();
        var command = new Command("train", "Zero-shot transfer on synthetic data with the tiny backbone: ablation table, epoch times, memory; int8 deviation with --int8.");
        foreach (var o in new Option[] { size, epochs, perClass, seed, variants, auxiliaryToo, int8, json }) command.Options.Add(o);
        command.SetAction(parse => Run(parse.GetValue(size), parse.GetValue(epochs), parse.GetValue(perClass), parse.GetValue(seed), parse.GetValue(variants)!,
            parse.GetValue(auxiliaryToo), parse.GetValue(int8), parse.GetValue(json), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        return command;
    }

    private static int Run(int size, int epochs, int perClass, int seed, string[] variants, bool auxiliaryToo, bool int8, bool json, TextWriter stdout, TextWriter stderr)
    {
        var output = BenchJson.Log(json, stdout, stderr);
        var rows = new List<object>();
        var int8Rows = new List<Int8Deviation>();
        var unknown = variants.Except(AllVariants).ToList();
        if (unknown.Count > 0)
        {
            stderr.WriteLine($"error: unknown variant(s) {string.Join(", ", unknown)}; use {string.Join(", ", AllVariants)}.");
            return 2;
        }
        var split = SyntheticDefectSplit.Default;
        var template = new SyntheticDefectOptions { ImageSize = size, Seed = seed, TrainGoodPerClass = 0, TestGoodPerClass = perClass / 2, TestAnomalousPerClass = perClass };
        var auxiliary = new SyntheticDefectGenerator(split.AuxiliaryOptions(template));
        var heldOutTemplate = template.Clone();
        heldOutTemplate.Seed = seed + 1000;
        var heldOut = new SyntheticDefectGenerator(split.HeldOutOptions(heldOutTemplate));
        var trainImages = auxiliary.Categories.SelectMany(auxiliary.TestImages).ToList();
        var testImages = heldOut.Categories.SelectMany(heldOut.TestImages).ToList();
        var freshAuxiliary = new SyntheticDefectGenerator(split.AuxiliaryOptions(heldOutTemplate));
        var auxiliaryTest = auxiliaryToo ? freshAuxiliary.Categories.SelectMany(freshAuxiliary.TestImages).ToList() : [];
        var trainSet = new InMemoryTrainingSet(trainImages.Select(i => new TrainingExample(i.ToChw(), i.IsAnomalous ? Binary(i.Mask) : null, i.IsAnomalous)).ToList());
        output.WriteLine($"Tiny random backbone (pipeline demonstration, not CLIP), S = {size}, {epochs} epoch(s), seed {seed}.");
        output.WriteLine($"Train: {trainImages.Count} images of {string.Join(", ", split.Auxiliary)}; zero-shot test: {testImages.Count} images of {string.Join(", ", split.HeldOut)}.");
        output.WriteLine();
        output.WriteLine("| variant | image AUROC | pixel AUROC | PRO (exact) | loss epoch 1 → last | image CE last epoch | train s | epoch 1 s | later epochs s (mean) |" + (auxiliaryToo ? " in-distribution image / pixel AUROC |" : ""));
        output.WriteLine("|---|---|---|---|---|---|---|---|---|" + (auxiliaryToo ? "---|" : ""));
        using var backbone = ClipBackbone.Load(ClipBackbone.TinyName);
        foreach (var variant in variants)
        {
            var options = new DaClipModelOptions { ImageSize = size } switch
            {
                var o when variant == "joint" => o with { Alignment = TextAlignment.Joint },
                var o when variant == "nodar" => o with { UseDar = false },
                var o when variant == "nores" => o with { AdapterResidual = false },
                var o => o,
            };
            var training = new DaClipTrainingOptions { Epochs = epochs, BatchSize = 8, Seed = seed, FeatureCache = FeatureCacheMode.Memory };
            var trainer = DaClipTrainer.Create(backbone.Model, PromptBank.Create(options, backbone.Tokenizer, backbone.Model.Config.ContextLength), options, training);
            var clock = Stopwatch.StartNew();
            var ce = new LastEpochCrossEntropy(epochs);
            DaClipTrainingResult? result = variant == "init" ? null : trainer.Train(trainSet, ce);
            double trainSeconds = clock.Elapsed.TotalSeconds;
            var metrics = Evaluate(trainer.Network, testImages);
            string epoch1 = result is null ? "-" : result.EpochSeconds[0].ToString("F1", CultureInfo.InvariantCulture);
            string later = result is null || result.EpochSeconds.Count < 2 ? "-" : result.EpochSeconds.Skip(1).Average().ToString("F2", CultureInfo.InvariantCulture);
            string losses = result is null ? "-" : string.Create(CultureInfo.InvariantCulture, $"{result.EpochLosses[0]:F3} → {result.EpochLosses[^1]:F3}");
            string ceLast = result is null ? "-" : ce.Mean.ToString("F3", CultureInfo.InvariantCulture);
            string inDistribution = "";
            SegmentationMetrics? inDist = null;
            if (auxiliaryToo)
            {
                var m = inDist = Evaluate(trainer.Network, auxiliaryTest);
                inDistribution = string.Create(CultureInfo.InvariantCulture, $" {m.ImageAuroc:F3} / {m.PixelAuroc:F3} |");
            }
            if (int8) int8Rows.Add(Int8Deviation.Measure(variant, trainer.Network, testImages));
            rows.Add(new
            {
                Variant = variant, ImageAuroc = metrics.ImageAuroc, PixelAuroc = metrics.PixelAuroc, Pro = metrics.PixelAuproExact,
                LossFirst = result?.EpochLosses[0], LossLast = result?.EpochLosses[^1], ImageCeLastEpoch = result is null ? (double?)null : ce.Mean,
                TrainS = result is null ? (double?)null : trainSeconds, EpochS = result?.EpochSeconds.ToArray(),
                InDistributionImageAuroc = inDist?.ImageAuroc, InDistributionPixelAuroc = inDist?.PixelAuroc,
            });
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {variant} | {metrics.ImageAuroc:F3} | {metrics.PixelAuroc:F3} | {metrics.PixelAuproExact:F3} | {losses} | {ceLast} | {(result is null ? "-" : trainSeconds.ToString("F1", CultureInfo.InvariantCulture))} | {epoch1} | {later} |{inDistribution}"));
            trainer.Network.Dispose();
        }
        using var self = Process.GetCurrentProcess();
        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Peak working set: {self.PeakWorkingSet64 / (1024.0 * 1024):F0} MiB; managed heap: {GC.GetTotalMemory(false) / (1024.0 * 1024):F0} MiB."));
        if (int8) Int8Deviation.WriteTable(output, int8Rows, testImages.Count);
        if (json)
        {
            BenchJson.Write(stdout, new
            {
                Size = size, Epochs = epochs, PerClass = perClass, Seed = seed, TrainImages = trainImages.Count, TestImages = testImages.Count,
                Auxiliary = split.Auxiliary.Select(c => c.ToString()).ToArray(), HeldOut = split.HeldOut.Select(c => c.ToString()).ToArray(),
                Variants = rows, Int8 = int8 ? int8Rows : null, PeakWorkingSetBytes = self.PeakWorkingSet64,
            });
        }
        return 0;
    }

    /// <summary>Zero-shot metrics (mean over held-out categories) of <paramref name="network"/>'s predictions.</summary>
    internal static SegmentationMetrics Evaluate(DaClipNetwork network, IReadOnlyList<SyntheticImage> images) =>
        HeldOutEvaluation.Evaluate(network.Predict, network.Options.ImageSize, images).Mean;

    /// <summary>Mean image cross-entropy over the steps of the last epoch (ln 2 ≈ 0.693 = no separation).</summary>
    private sealed class LastEpochCrossEntropy(int epochs) : IProgress<DaClipTrainingProgress>
    {
        private double _sum;
        private int _count;

        public double Mean => _count == 0 ? double.NaN : _sum / _count;

        public void Report(DaClipTrainingProgress value)
        {
            if (value.Phase != "train" || value.Epoch != epochs) return;
            _sum += value.CrossEntropy;
            _count++;
        }
    }

    private static byte[] Binary(byte[] mask) => HeldOutEvaluation.Binary(mask);
}
