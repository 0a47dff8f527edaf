using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using DaClip.Cli.Common;
using DaClip.MLNet;
using DaClip.MLNet.Imaging;
using DaClip.MLNet.Reporting;
using Microsoft.ML;

namespace DaClip.Cli.Commands;

/// <summary>
/// <c>daclip predict --model model.zip images-or-folders... [--heatmaps dir] [--threshold t] [--json]</c>: the anomaly
/// score and verdict of every image, as a table or JSON lines, and a heatmap overlay PNG per image. With
/// <c>--zero-shot --backbone ...</c> instead of <c>--model</c> it scores with the training-free CLIP baseline.
/// </summary>
internal static class PredictCommand
{
    public static Command Create()
    {
        var model = new Option<string?>("--model") { Description = "The model zip written by `daclip train` (or --zero-shot).", HelpName = "model.zip" };
        var zeroShot = ZeroShotModel.Flag();
        var backbone = ZeroShotModel.Backbone();
        var vocab = ZeroShotModel.Vocab();
        var imageSize = ZeroShotModel.ImageSize();
        var objectName = ZeroShotModel.ObjectName();
        var inputs = new Argument<string[]>("images")
        {
            Description = $"Image files, or folders searched recursively for {string.Join(", ", ImageInputs.Extensions)} files.",
            Arity = ArgumentArity.OneOrMore,
        };
        var heatmaps = new Option<string?>("--heatmaps")
        {
            Description = "Write an overlay PNG per image into this folder (folder arguments keep their layout): the anomaly map over the image, " +
                "with the pixels scoring at or above the threshold outlined in magenta.",
            HelpName = "dir",
        };
        var threshold = CliOptions.FiniteSingle("--threshold",
            "Score above which an image is anomalous; default: the model's threshold (set in training or calibrated).", "t");
        var batchSize = CliOptions.ScoringBatchSize();
        var device = CliOptions.Device("ONNX Runtime device for scoring.");
        var json = CliOptions.Json("one JSON object per image (JSON lines) instead of the table");

        var command = new Command("predict",
            "Score images with a trained model: anomaly score and verdict per image (table, or JSON lines with --json), and heatmap overlays with --heatmaps. " +
            "Example: daclip predict --model mvtec.zip photos/ --heatmaps heatmaps/; " +
            "training-free: daclip predict --zero-shot --backbone ViT-B/16 photos/");
        command.Arguments.Add(inputs);
        foreach (var o in new Option[] { model, zeroShot, backbone, vocab, imageSize, objectName, heatmaps, threshold, batchSize, device, json }) command.Options.Add(o);
        command.SetAction((parse, cancellation) =>
        {
            var error = parse.InvocationConfiguration.Error;
            return VerbRunner.RunAsync("predict", error, () => Run(parse.GetValue(model),
                ZeroShotModel.Resolve(parse.GetValue(model), parse.GetValue(zeroShot), parse.GetValue(backbone), parse.GetValue(vocab), parse.GetValue(imageSize), parse.GetValue(objectName)!),
                parse.GetValue(inputs)!, parse.GetValue(heatmaps), parse.GetValue(threshold),
                parse.GetValue(batchSize), parse.GetValue(device)!, parse.GetValue(json), parse.InvocationConfiguration.Output, error, cancellation));
        });
        return command;
    }

    private static int Run(string? modelPath, ZeroShotSettings? zeroShot, string[] arguments, string? heatmaps, float? threshold, int batchSize, string device, bool json,
        TextWriter output, TextWriter error, CancellationToken cancellation)
    {
        if (zeroShot is null && !File.Exists(modelPath))
            throw new CliUsageException($"--model {modelPath}: no such file ({Path.GetFullPath(modelPath!)}). Give a model zip written by `daclip train`.");
        if (heatmaps is not null && File.Exists(heatmaps))
            throw new CliUsageException($"--heatmaps {heatmaps} is a file: give a folder for the overlay images.");
        var images = ImageInputs.Expand(arguments);
        var ml = new MLContext { GpuDeviceId = CliOptions.GpuOrdinal(device), FallbackToCpu = false };
        using var transformer = zeroShot is null ? DaClipTransformer.Load(ml, modelPath!) : ZeroShotModel.Create(ml, zeroShot, error, json);
        float cut = threshold ?? transformer.Threshold;
        var overlay = new HeatmapOverlayOptions { Fit = transformer.Fit, Threshold = cut };
        var bar = ConsoleProgressBar.CreateIfWanted("scoring", error, json);
        var rows = new List<(ImageInput Image, float Score, bool Anomalous, string? Heatmap)>();
        foreach (var (index, p) in ChunkedScoring.Score(ml, transformer, images.Select(i => i.Path).ToList(), batchSize, bar, cancellation))
        {
            var image = images[index];
            bool anomalous = threshold is null ? p.PredictedLabel : p.Score > cut;
            string? heatmap = null;
            if (heatmaps is not null)
            {
                heatmap = Path.GetFullPath(Path.Combine(heatmaps, image.Name + ".png"));
                HeatmapOverlay.WritePng(heatmap, ImageDecoder.Decode(image.Path), p.AnomalyMap, options: overlay);
            }
            if (json)
            {
                output.WriteLine(JsonSerializer.Serialize(new { image = image.Path, score = p.Score, anomalous, threshold = cut, heatmap }, CliJson.Compact));
            }
            else
            {
                rows.Add((image, p.Score, anomalous, heatmap));
            }
        }
        if (!json) PrintTable(rows, cut, threshold is null, heatmaps, output);
        return 0;
    }

    private static void PrintTable(List<(ImageInput Image, float Score, bool Anomalous, string? Heatmap)> rows, float cut, bool modelThreshold, string? heatmaps, TextWriter output)
    {
        output.WriteLine($"{"score",8}  {"verdict",-9}  image");
        foreach (var (image, score, anomalous, _) in rows)
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{score,8:F4}  {(anomalous ? "anomalous" : "normal"),-9}  {image.Path}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{rows.Count} image(s), {rows.Count(r => r.Anomalous)} anomalous at threshold {cut:R} ({(modelThreshold ? "the model's" : "--threshold")})."));
        if (heatmaps is not null) output.WriteLine($"Heatmaps: {Path.GetFullPath(heatmaps)}");
    }
}
