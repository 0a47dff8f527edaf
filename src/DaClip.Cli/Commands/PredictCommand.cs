using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using DaClip.Cli.Common;
using DaClip.MLNet;
using DaClip.MLNet.Imaging;
using DaClip.MLNet.IO;
using DaClip.MLNet.Reporting;
using DaClip.MLNet.Scoring;
using Microsoft.ML;

namespace DaClip.Cli.Commands;

/// <summary>
/// <c>daclip predict --model model.zip images-or-folders... [--heatmaps dir] [--maps-out dir [--map-size model|source]]
/// [--threshold t] [--json]</c>: the anomaly score and verdict of every image, as a table or JSON lines, a heatmap
/// overlay PNG per image, and the anomaly maps as float32 files at the model's size or at each image's own size. With
/// <c>--data kind:root --out dir [--shard i/N] [--maps]</c> it scores a dataset's test split, or one deterministic shard of
/// it, into a predictions folder (<see cref="PredictionSetWriter"/>) that <c>daclip merge</c> combines and
/// <c>daclip test --from-predictions</c> evaluates.
/// With <c>--zero-shot --backbone ...</c> instead of <c>--model</c> it scores with the training-free CLIP baseline.
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
            Arity = ArgumentArity.ZeroOrMore,
        };
        var data = CliOptions.Data("Score this dataset's test split (with its labels and masks) into the --out folder instead of image arguments.");
        data.Required = false;
        var shard = new Option<string?>("--shard")
        {
            Description = "With --data: score only shard i of N (0 <= i < N), the images whose path relative to the dataset root hashes to i; " +
                "N processes with 0/N .. (N-1)/N together score every image once (docs/deploy.md). Default 0/1, the whole dataset.",
            HelpName = "i/N",
        };
        var outFolder = new Option<string?>("--out")
        {
            Description = "With --data: the predictions folder; the shard's files (<stem>.jsonl, <stem>.maps.f32, <stem>.manifest.json) are written atomically into it.",
            HelpName = "dir",
        };
        var maps = new Option<bool>("--maps")
        {
            Description = "With --data: also store every anomaly map (S x S float32) so that `daclip test --from-predictions` computes the pixel metrics.",
        };
        var mapsOut = new Option<string?>("--maps-out")
        {
            Description = "Write each image's anomaly map into this folder as <name>.f32 (float32 little-endian, row-major; its width and height are in the --json lines " +
                "and the table's last line).",
            HelpName = "dir",
        };
        var mapSize = new Option<string>("--map-size")
        {
            Description = "With --maps-out: 'model' (default) writes the S x S map of the fitted input; 'source' writes the map resized bilinearly " +
                "(align_corners = false) to the image's own width x height, pixel for pixel over the image.",
            HelpName = "model|source",
            DefaultValueFactory = _ => "model",
        };
        var classes = CliOptions.Classes();
        var allowMissingMasks = DatasetInput.AllowMissingMasksOption();
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
        var followLinks = new Option<bool>("--follow-links")
        {
            Description = "Follow links to folders inside folder arguments (each real folder is searched once, so link loops end). By default they are skipped.",
        };

        var command = new Command("predict",
            "Score images with a trained model: anomaly score and verdict per image (table, or JSON lines with --json), and heatmap overlays with --heatmaps. " +
            "Example: daclip predict --model mvtec.zip photos/ --heatmaps heatmaps/; " +
            "training-free: daclip predict --zero-shot --backbone ViT-B/16 photos/");
        command.Arguments.Add(inputs);
        foreach (var o in new Option[] { model, zeroShot, backbone, vocab, imageSize, objectName, heatmaps, mapsOut, mapSize, threshold, batchSize, device, json, data, shard, outFolder, maps, classes, allowMissingMasks, followLinks, CliOptions.Config() })
            command.Options.Add(o);
        command.SetAction((parse, cancellation) =>
        {
            var error = parse.InvocationConfiguration.Error;
            return VerbRunner.RunAsync("predict", error, () =>
            {
                var images = parse.GetValue(inputs) ?? [];
                var mapSizeValue = ParseMapSize(parse.GetValue(mapSize)!);
                if (parse.GetResult(mapSize) is { Implicit: false } && parse.GetValue(mapsOut) is null)
                    throw new CliUsageException("--map-size chooses the size of the maps that --maps-out writes: add --maps-out dir.");
                if (parse.GetValue(data) is { } spec)
                {
                    if (parse.GetValue(mapsOut) is not null)
                        throw new CliUsageException("--maps-out writes maps of image arguments; with --data use --maps, which stores the S x S maps in the predictions folder for the pixel metrics.");
                    if (images.Length > 0) throw new CliUsageException($"give either image arguments or --data, not both ({images[0]} ...).");
                    if (parse.GetValue(zeroShot))
                        throw new CliUsageException("--zero-shot scores image arguments; to score and evaluate a dataset with the training-free baseline use `daclip test --data ... --zero-shot`.");
                    var settings = new ShardedPredictionSettings
                    {
                        ModelPath = parse.GetValue(model)!,
                        Data = spec,
                        Classes = parse.GetValue(classes),
                        AllowMissingMasks = parse.GetValue(allowMissingMasks),
                        Shard = parse.GetValue(shard) is { } text ? ShardSpec.Parse(text) : ShardSpec.All,
                        OutFolder = parse.GetValue(outFolder) ?? throw new CliUsageException("--data needs --out dir: the folder the shard's predictions are written to."),
                        Maps = parse.GetValue(maps),
                        Heatmaps = parse.GetValue(heatmaps),
                        Threshold = parse.GetValue(threshold),
                        BatchSize = parse.GetValue(batchSize),
                        Device = parse.GetValue(device)!,
                    };
                    var summary = ShardedPrediction.Run(settings, error, parse.GetValue(json), cancellation);
                    ShardedPrediction.Print(summary, parse.InvocationConfiguration.Output, parse.GetValue(json));
                    return 0;
                }
                if (images.Length == 0) throw new CliUsageException("give image files or folders to score, or --data kind:root --out dir for a dataset.");
                foreach (var o in new Option[] { shard, outFolder, maps })
                    if (parse.GetResult(o) is { Implicit: false }) throw new CliUsageException($"{o.Name} needs --data kind:root (it applies to scoring a dataset into a predictions folder).");
                var zeroShotSettings = ZeroShotModel.Resolve(parse.GetValue(model), parse.GetValue(zeroShot), parse.GetValue(backbone), parse.GetValue(vocab),
                    parse.GetValue(imageSize), parse.GetValue(objectName)!);
                return Run(parse.GetValue(model), zeroShotSettings, images, parse.GetValue(heatmaps), parse.GetValue(mapsOut), mapSizeValue, parse.GetValue(threshold),
                    parse.GetValue(batchSize), parse.GetValue(device)!, parse.GetValue(json), parse.GetValue(followLinks), parse.InvocationConfiguration.Output, error, cancellation);
            });
        });
        return command;
    }

    private static AnomalyMapSize ParseMapSize(string value) => value.ToLowerInvariant() switch
    {
        "model" => AnomalyMapSize.Model,
        "source" => AnomalyMapSize.Source,
        _ => throw new CliUsageException($"--map-size {value}: use 'model' (the S x S map) or 'source' (each image's own size)."),
    };

    private static int Run(string? modelPath, ZeroShotSettings? zeroShot, string[] arguments, string? heatmaps, string? mapsOut, AnomalyMapSize mapSize,
        float? threshold, int batchSize, string device, bool json,
        bool followLinks,
        TextWriter output, TextWriter error, CancellationToken cancellation)
    {
        if (zeroShot is null && !File.Exists(modelPath))
            throw new CliUsageException($"--model {modelPath}: no such file ({Path.GetFullPath(modelPath!)}). Give a model zip written by `daclip train`.");
        if (heatmaps is not null && File.Exists(heatmaps))
            throw new CliUsageException($"--heatmaps {heatmaps} is a file: give a folder for the overlay images.");
        var images = ImageInputs.Expand(arguments, followLinks);
        if (heatmaps is not null) CheckHeatmapFolder(heatmaps, modelPath, arguments, images);
        if (mapsOut is not null)
        {
            if (File.Exists(mapsOut)) throw new CliUsageException($"--maps-out {mapsOut} is a file: give a folder for the maps.");
            OutputPathGuard.RequireWritableFolder("--maps-out", mapsOut);
        }
        var ml = new MLContext { GpuDeviceId = CliOptions.GpuOrdinal(device), FallbackToCpu = false };
        using var transformer = zeroShot is null ? DaClipTransformer.Load(ml, modelPath!) : ZeroShotModel.Create(ml, zeroShot, error, json);
        float cut = threshold ?? transformer.Threshold;
        var overlay = new HeatmapOverlayOptions { Fit = transformer.Fit, Threshold = cut };
        var bar = ConsoleProgressBar.CreateIfWanted("scoring", error, json);
        var rows = new List<(ImageInput Image, float Score, bool Anomalous, string? Heatmap)>();
        (int Width, int Height)? lastMapSize = null;
        foreach (var (index, p) in ImageStream.Score(ml, transformer, images.Select(i => i.Path).ToList(), batchSize, bar, cancellation))
        {
            cancellation.ThrowIfCancellationRequested();
            var image = images[index];
            bool anomalous = threshold is null ? p.PredictedLabel : p.Score > cut;
            string? heatmap = null;
            RgbImage? decoded = null;
            if (heatmaps is not null)
            {
                heatmap = Path.GetFullPath(Path.Combine(heatmaps, image.Name + ".png"));
                decoded = ImageDecoder.Decode(image.Path);
                HeatmapOverlay.WritePng(heatmap, decoded, p.AnomalyMap, options: overlay);
            }
            string? mapFile = null;
            if (mapsOut is not null)
            {
                mapFile = Path.GetFullPath(Path.Combine(mapsOut, image.Name + ".f32"));
                var map = p.AnomalyMap;
                lastMapSize = (p.ImageSize, p.ImageSize);
                if (mapSize == AnomalyMapSize.Source)
                {
                    decoded ??= ImageDecoder.Decode(image.Path);
                    map = AnomalyMapResampler.ToSource(p.AnomalyMap, p.ImageSize, decoded.Width, decoded.Height, transformer.Fit);
                    lastMapSize = (decoded.Width, decoded.Height);
                }
                AtomicFile.WriteAllBytes(mapFile, System.Runtime.InteropServices.MemoryMarshal.AsBytes(map.AsSpan()));
            }
            if (json)
            {
                output.WriteLine(mapFile is null
                    ? JsonSerializer.Serialize(new { image = image.Path, score = p.Score, anomalous, threshold = cut, heatmap }, CliJson.Compact)
                    : JsonSerializer.Serialize(new { image = image.Path, score = p.Score, anomalous, threshold = cut, heatmap, map = mapFile,
                        map_width = lastMapSize!.Value.Width, map_height = lastMapSize.Value.Height }, CliJson.Compact));
            }
            else
            {
                rows.Add((image, p.Score, anomalous, heatmap));
            }
        }
        if (!json) PrintTable(rows, cut, threshold is null, heatmaps, output);
        if (!json && mapsOut is not null)
            output.WriteLine(mapSize == AnomalyMapSize.Source
                ? $"Maps: {Path.GetFullPath(mapsOut)} (<name>.f32, float32, each at its image's width x height)"
                : $"Maps: {Path.GetFullPath(mapsOut)} (<name>.f32, float32, {transformer.ImageSize} x {transformer.ImageSize})");
        return 0;
    }

    /// <summary>
    /// Before any scoring: the heatmap folder can be written, neither it nor any overlay is inside a folder argument (a
    /// rerun would score the overlays), and no overlay would replace an input image or the model.
    /// </summary>
    private static void CheckHeatmapFolder(string heatmaps, string? modelPath, string[] arguments, IReadOnlyList<ImageInput> images)
    {
        OutputPathGuard.RequireWritableFolder("--heatmaps", heatmaps);
        var folders = arguments.Where(Directory.Exists).Select(a => new GuardedInput("folder", a)).ToList();
        OutputPathGuard.RefuseInsideInputs("--heatmaps", heatmaps, folders);
        var inputs = images.Select(i => new GuardedInput("image", i.Path)).ToList();
        if (modelPath is not null) inputs.Add(new GuardedInput("--model", modelPath));
        var resolvedInputs = new HashSet<string>(inputs.Select(i => ResolvedPaths.Resolve(i.Path)), ResolvedPaths.Comparer);
        var resolvedFolders = folders.Select(f => ResolvedPaths.Resolve(f.Path)).ToList();
        foreach (var image in images)
        {
            var overlay = Path.Combine(heatmaps, image.Name + ".png");
            var resolved = ResolvedPaths.Resolve(overlay);
            if (resolvedInputs.Contains(resolved)) OutputPathGuard.RefuseInputs($"--heatmaps {heatmaps}: the overlay", overlay, inputs);
            if (resolvedFolders.FindIndex(f => ResolvedPaths.IsSameOrInside(resolved, f)) is var i and >= 0)
                throw new CliUsageException($"--heatmaps {heatmaps}: the overlay {overlay} would be written inside the input folder {folders[i].Path}, " +
                    "where a rerun would score it as an image. Choose a heatmap folder outside the input folders.");
        }
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
