using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using DaClip.Cli.Common;
using DaClip.MLNet.Data;
using DaClip.MLNet.IO;
using DaClip.MLNet.Metrics;
using DaClip.MLNet.Training.Clip;
using DaClip.MLNet.Training.Synthetic;

namespace DaClip.Cli.Commands;

/// <summary>
/// <c>daclip demo [--out dir]</c>: the quick start, end to end on synthetic data with the built-in random backbone:
/// generate auxiliary and held-out defect categories (<see cref="SyntheticDefectSplit.Default"/>), train DA-CLIP on the
/// auxiliary ones through the ML.NET estimator, score the held-out ones zero-shot, evaluate and write the HTML report.
/// </summary>
internal static class DemoCommand
{
    /// <summary>Marks a folder as the demo's, so that a rerun may replace its contents.</summary>
    public const string SummaryFile = "demo.json";

    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "Folder for the data, the model and the report (replaced on a rerun).", HelpName = "dir", DefaultValueFactory = _ => "daclip-demo" };
        var epochs = CliOptions.Positive(new Option<int>("--epochs") { Description = "Training epochs.", HelpName = "N", DefaultValueFactory = _ => 3 });
        var backbone = new Option<string>("--backbone")
        {
            Description = "Built-in backbone: mini (pretrained on captioned synthetic images; a stand-in for CLIP on synthetic data) or tiny (RANDOM weights, pipeline only).",
            HelpName = "mini|tiny",
            DefaultValueFactory = _ => ClipBackbone.MiniName,
        };
        backbone.AcceptOnlyFromAmong(ClipBackbone.MiniName, ClipBackbone.TinyName);
        var imageSize = new Option<int?>("--image-size") { Description = $"Side of the synthetic images and of the model input S (a multiple of 8, the built-in backbones' patch); default {TrainingRun.MiniImageSize} for mini, {TrainingRun.TinyImageSize} for tiny.", HelpName = "S" };
        imageSize.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is not int s) return;
            if (s < SyntheticDefectOptions.MinImageSize || s > 1024 || s % 8 != 0) r.AddError($"--image-size is {s}: use a multiple of 8 from 16 to 1024.");
        });
        var perClass = new Option<int>("--images-per-class") { Description = "Synthetic images per category (a third normal, the rest defective).", HelpName = "N", DefaultValueFactory = _ => 16 };
        perClass.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 3 and var n) r.AddError($"--images-per-class is {n}: use at least 3 (normal and defective images per category).");
        });
        var seed = new Option<int>("--seed") { Description = "Seed of the synthetic data and of the training.", HelpName = "N", DefaultValueFactory = _ => 1 };
        var json = CliOptions.Json("the files written, the training summary and the metrics as JSON");

        var command = new Command("demo",
            "Quick start on synthetic data, no downloads: generate defect images, train DA-CLIP on four categories with the built-in 'mini' backbone " +
            "(a small CLIP pretrained by this project on captioned synthetic images), test zero-shot on four others, print the metrics and write the HTML report. " +
            "Example: daclip demo --out daclip-demo");
        foreach (var o in new Option[] { output, backbone, epochs, imageSize, perClass, seed, json }) command.Options.Add(o);
        command.SetAction((parse, cancellation) =>
        {
            var error = parse.InvocationConfiguration.Error;
            return VerbRunner.RunAsync("demo", error, () => Run(parse.GetValue(output)!, parse.GetValue(backbone)!, parse.GetValue(epochs), parse.GetValue(imageSize), parse.GetValue(perClass),
                parse.GetValue(seed), parse.GetValue(json), parse.InvocationConfiguration.Output, error, cancellation));
        });
        return command;
    }

    private static int Run(string outFolder, string backboneName, int epochs, int? imageSize, int perClass, int seed, bool json, TextWriter output, TextWriter error, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        var backbone = BackboneSource.Resolve(backboneName, null);
        int size = imageSize ?? (backbone.IsMini ? TrainingRun.MiniImageSize : TrainingRun.TinyImageSize);
        var root = Path.GetFullPath(outFolder);
        CheckFolder(root);
        void Step(string text)
        {
            if (!json) error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{clock.Elapsed.TotalSeconds,5:F1} s] {text}"));
        }
        if (!json && backbone.IsTiny)
        {
            error.WriteLine("daclip demo: the built-in 'tiny' backbone has RANDOM weights, so the numbers below show that the pipeline runs");
            error.WriteLine("(synthetic data -> training -> ONNX -> ML.NET scoring -> metrics -> report), not how well DA-CLIP detects defects.");
            error.WriteLine("For real results: daclip download ViT-L/14@336px, then daclip train / daclip test on MVTec-AD and VisA (docs/cli.md).");
        }
        else if (!json)
        {
            error.WriteLine("daclip demo: backbone 'mini', a small CLIP this project pretrained on captioned synthetic images (docs/pretraining.md):");
            error.WriteLine("a stand-in for OpenAI CLIP on synthetic data, not a general model. For real images: daclip download ViT-L/14@336px (docs/cli.md).");
        }
        AtomicFile.WriteAllText(Path.Combine(root, SummaryFile), "{ \"format\": \"daclip-demo\", \"status\": \"running\" }\n");

        var split = SyntheticDefectSplit.Default;
        var template = new SyntheticDefectOptions { ImageSize = size, Seed = seed, TrainGoodPerClass = 0, TestGoodPerClass = perClass / 3, TestAnomalousPerClass = perClass - perClass / 3 };
        var heldOutTemplate = template.Clone();
        heldOutTemplate.Seed = seed + 1000;
        var auxiliary = Path.Combine(root, "data", "auxiliary");
        var heldOut = Path.Combine(root, "data", "held-out");
        Step($"Generating synthetic data ({size} x {size}, {perClass} images per category): auxiliary {Names(split.Auxiliary)}; held out {Names(split.HeldOut)}.");
        new SyntheticDefectGenerator(split.AuxiliaryOptions(template)).WriteMvtecFolder(auxiliary, overwrite: true);
        new SyntheticDefectGenerator(split.HeldOutOptions(heldOutTemplate)).WriteMvtecFolder(heldOut, overwrite: true);

        Step($"Training DA-CLIP ({backbone.Backbone} backbone, S = {size}, {epochs} epoch(s)) on the auxiliary categories through the ML.NET estimator.");
        var training = TrainingRun.Run(new TrainingSettings
        {
            Data = new DatasetSpec(DatasetKind.MvtecAd, auxiliary),
            Backbone = backbone,
            ModelPath = Path.Combine(root, "model.zip"),
            Epochs = epochs,
            ImageSize = size,
            Seed = seed,
            Force = true, // the demo's folder is its own (CheckFolder): a rerun replaces an interrupted demo
        }, error, json, cancellation, describe: false);

        Step("Scoring the held-out categories zero-shot, evaluating and writing the report.");
        var (summary, _) = EvaluationRun.Run(new EvaluationSettings
        {
            Data = new DatasetSpec(DatasetKind.MvtecAd, heldOut),
            ModelPath = training.ModelPath,
            ReportFolder = Path.Combine(root, "report"),
            ReportTitle = backbone.IsTiny
                ? "daclip demo: tiny RANDOM backbone, zero-shot on held-out synthetic categories (pipeline demonstration)"
                : "daclip demo: mini backbone (pretrained on synthetic captions), zero-shot on held-out synthetic categories",
        }, error, json, cancellation);
        Step("Done.");

        var result = new
        {
            format = "daclip-demo",
            status = "done",
            note = backbone.IsTiny
                ? "The tiny backbone has random weights: the metrics demonstrate the pipeline, not DA-CLIP's accuracy."
                : "The mini backbone was pretrained by this project on captioned synthetic images: a stand-in for OpenAI CLIP on synthetic data, not a general model.",
            backbone = backbone.Backbone,
            folder = root,
            auxiliaryData = auxiliary,
            heldOutData = heldOut,
            model = training.ModelPath,
            checkpoint = training.CheckpointPath,
            report = Path.Combine(root, "report", "index.html"),
            imageSize = size,
            epochs,
            trainingImages = training.Record.Images,
            finalLoss = training.Record.FinalLoss,
            evaluation = summary,
            seconds = Math.Round(clock.Elapsed.TotalSeconds, 3),
        };
        AtomicFile.WriteAllText(Path.Combine(root, SummaryFile), JsonSerializer.Serialize(result, CliJson.Indented) + "\n");
        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(result, CliJson.Indented));
            return 0;
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Zero-shot on held-out synthetic categories ({summary.Images} images), trained on {training.Record.Images} auxiliary images, final loss {training.Record.FinalLoss:F4}:"));
        output.Write(MetricsTable.Format([.. summary.PerClass, summary.Mean], ProConvention.Exact, summary.FprLimit));
        if (backbone.IsTiny) output.WriteLine("Tiny RANDOM backbone: these numbers demonstrate the pipeline, not DA-CLIP's accuracy.");
        output.WriteLine($"Report: {result.report}");
        output.WriteLine($"Model:  {training.ModelPath}   (try: daclip predict --model {training.ModelPath} {Path.Combine(heldOut, "capsule", "test")} --heatmaps {Path.Combine(root, "heatmaps")})");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Total time: {clock.Elapsed.TotalSeconds:F1} s."));
        return 0;
    }

    private static string Names(IEnumerable<SyntheticCategory> categories) => string.Join(", ", categories.Select(c => c.FolderName()));

    /// <summary>The demo writes only into a new or empty folder, or one an earlier demo made.</summary>
    private static void CheckFolder(string root)
    {
        if (File.Exists(root)) throw new CliUsageException($"--out {root} is a file: give a folder for the demo.");
        if (Directory.Exists(root) && Directory.EnumerateFileSystemEntries(root).Any() && !File.Exists(Path.Combine(root, SummaryFile)))
            throw new CliUsageException($"--out {root} exists and was not made by `daclip demo` (no {SummaryFile}): choose a new folder, or empty this one.");
        Directory.CreateDirectory(root);
    }
}
