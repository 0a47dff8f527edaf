// Zero-shot transfer, the DA-CLIP paper's main experiment: train on MVTec AD (its test split, with masks), then detect
// and localise anomalies on VisA, whose objects the model has never seen.
//
//   dotnet run --project samples/ZeroShotTransfer -c Release -- --mvtec <MVTec AD root> --visa <VisA root>
//
// The CLIP checkpoint and vocabulary are taken from where `daclip download ViT-L-14-336` puts them unless given.
// Without them, or without the datasets, this program prints how to get them and exits 0.

using System.Diagnostics;
using System.Globalization;
using DaClip.MLNet;
using DaClip.MLNet.Data;
using DaClip.MLNet.Metrics;
using DaClip.MLNet.Reporting;
using DaClip.MLNet.Scoring;
using DaClip.MLNet.Training;
using DaClip.Samples.ZeroShotTransfer;
using Microsoft.ML;
using Microsoft.ML.Runtime;

ZeroShotSettings? settings;
try
{
    settings = ZeroShotSettings.Parse(args, Environment.GetEnvironmentVariable);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(ZeroShotSettings.Usage);
    return 2;
}
if (settings is null)
{
    Console.WriteLine(ZeroShotSettings.Usage);
    return 0;
}

IReadOnlyList<string> missing = settings.MissingInputs(out bool givenButMissing);
if (missing.Count > 0)
{
    Console.WriteLine("Zero-shot transfer (train on MVTec AD, test on VisA) needs a CLIP checkpoint, its vocabulary and both datasets.");
    Console.WriteLine("Nothing is downloaded automatically. Missing:");
    Console.WriteLine();
    for (int i = 0; i < missing.Count; i++) Console.WriteLine($"  {i + 1}. {missing[i]}");
    Console.WriteLine();
    Console.WriteLine("Then run:");
    Console.WriteLine("  dotnet run --project samples/ZeroShotTransfer -c Release -- --mvtec <MVTec AD root> --visa <VisA root> [--device cuda]");
    Console.WriteLine("or set DACLIP_CHECKPOINT, DACLIP_VOCAB, DACLIP_MVTEC_ROOT and DACLIP_VISA_ROOT. Options: --help.");
    Console.WriteLine("Dataset layouts and counts: docs/datasets.md.");
    return givenButMissing ? 2 : 0;
}

try
{
    Run(settings);
    return 0;
}
catch (DaClipException e)
{
    // Library errors name the file, folder or option at fault and the fix.
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}

static void Run(ZeroShotSettings settings)
{
    var clock = Stopwatch.StartNew();
    int size = settings.ImageSize;
    Directory.CreateDirectory(settings.OutputDirectory);
    var mlContext = new MLContext(seed: settings.Seed);
    mlContext.Log += (_, e) =>
    {
        if (e.Source == "DaClip" && e.Kind is ChannelMessageKind.Info or ChannelMessageKind.Warning)
            Console.WriteLine($"   [{clock.Elapsed:hh\\:mm\\:ss}] {e.RawMessage}");
    };

    // 1. Read both datasets first, so that a layout problem shows before hours of training. MVTec AD's test split
    //    (normal and defective images, with masks) is the auxiliary training data; VisA's 1cls test split is scored.
    AnomalyDataset mvtec = AnomalyDatasets.Read(DatasetKind.MvtecAd, settings.MvtecRoot!);
    AnomalyDataset visa = AnomalyDatasets.Read(DatasetKind.Visa, settings.VisaRoot!);
    Console.WriteLine($"MVTec AD: {mvtec.NormalCount} normal / {mvtec.AnomalousCount} anomalous images in {mvtec.Classes.Count} classes (training).");
    Console.WriteLine($"VisA:     {visa.NormalCount} normal / {visa.AnomalousCount} anomalous images in {visa.Classes.Count} classes (zero-shot test).");
    Console.WriteLine("(The paper: 467 / 1,258 and 962 / 1,200; docs/datasets.md.)");
    if (settings.IsTiny)
        Console.WriteLine("Backbone \"tiny\" has RANDOM weights: this is a dry run of the pipeline; its numbers mean nothing.");
    else if (settings.Device == "cpu" && size >= 336)
        Console.WriteLine("Running on the CPU: at S = 518 expect many hours (docs/benchmarks.md: about 7 s per VisA image to score on 2 cores, " +
            "and the frozen ViT-L/14 encodes every MVTec image once for training). --device cuda (docs/gpu.md) is much faster.");

    // 2. Train with the paper's settings (METHOD §6: Adam, lr 1e-3, 15 epochs, batch 8, S = 518).
    int? gpu = GpuDevice(settings.Device);
    var options = new DaClipOptions
    {
        Backbone = settings.Checkpoint!,
        VocabPath = settings.IsTiny ? null : settings.Vocab,
        ImageColumnName = nameof(AnomalyImageRow.ImagePath),
        LabelColumnName = nameof(AnomalyImageRow.Label),
        MaskColumnName = nameof(AnomalyImageRow.MaskPath),
        ClassColumnName = nameof(AnomalyImageRow.Class),
        Model = new DaClipModelOptions { ImageSize = size },
        Epochs = settings.Epochs,
        BatchSize = settings.BatchSize,
        Seed = settings.Seed,
        TrainingDevice = settings.Device,                      // TorchSharp (training)
        GpuDeviceId = gpu,                                     // ONNX Runtime (scoring)
    };
    Console.WriteLine($"Training on MVTec AD: {Path.GetFileName(settings.Checkpoint)}, S = {size}, {settings.Epochs} epochs, batch {settings.BatchSize}, {settings.Device}.");
    IDataView training = mvtec.ToDataView(mlContext);
    using DaClipTransformer model = mlContext.AnomalyDetection.Trainers.DaClip(options).Fit(training);
    string modelPath = Path.Combine(settings.OutputDirectory, "daclip-mvtec.zip");
    model.Save(modelPath, training.Schema);
    Console.WriteLine($"Model saved to {modelPath} after {clock.Elapsed:hh\\:mm\\:ss}.");

    // 3. Score VisA. ScoreStream runs ONNX Runtime in batches (faster than ML.NET's row-at-a-time Transform, same
    //    numbers) and yields the predictions lazily, a few batches at a time, so memory stays bounded. The report
    //    builder evaluates each image as it comes (streaming mode: a histogram per class instead of every pixel score;
    //    2,162 maps of 518 x 518 are 580 million pixels) and keeps only the maps of the worst cases it will show.
    var report = new AnomalyReportBuilder(new SegmentationEvaluatorOptions { Mode = SegmentationEvaluationMode.Streaming }, fit: model.Fit);
    int index = 0;
    foreach (DaClipPrediction prediction in model.ScoreStream(visa.Samples.ToDataView(mlContext), settings.BatchSize))
    {
        var sample = visa.Samples[index++];
        report.Add(new AnomalyReportImage
        {
            ClassName = sample.Class,
            IsAnomalous = sample.Label,
            Score = prediction.Score,
            PredictedAnomalous = prediction.PredictedLabel,
            ImagePath = sample.ImagePath,
            MaskPath = sample.MaskPath,
            AnomalyMap = prediction.AnomalyMap,
        });
        if (index % 64 == 0 || index == visa.Samples.Count)
            Console.WriteLine($"   [{clock.Elapsed:hh\\:mm\\:ss}] scored {index}/{visa.Samples.Count} VisA images");
    }
    AnomalyReportInput reportInput = report.Build("DA-CLIP zero-shot: trained on MVTec AD, tested on VisA") with
    {
        Model = modelPath,
        Backbone = settings.IsTiny ? "tiny (RANDOM weights: a dry run)" : Path.GetFileName(settings.Checkpoint),
        RunInfo =
        [
            new("training data", $"MVTec AD test split, {mvtec.Samples.Count} images"),
            new("image size S", size.ToString(CultureInfo.InvariantCulture)),
            new("epochs / batch / seed", $"{settings.Epochs} / {settings.BatchSize} / {settings.Seed}"),
        ],
    };
    string reportFolder = Path.Combine(settings.OutputDirectory, "report");
    AnomalyReport.Write(reportFolder, reportInput);
    SegmentationEvaluationResult result = reportInput.Evaluation;

    // 4. Results per class and their mean, in percent, beside the paper's.
    Console.WriteLine();
    Console.WriteLine("| class | images | image AUROC | image AP | pixel AUROC | pixel AP | PRO (exact) | PRO (AnomalyCLIP) |");
    Console.WriteLine("|---|---|---|---|---|---|---|---|");
    foreach (var c in result.PerClass) Row(c.ClassName, c.ImageCount, c.Metrics);
    Row("**mean**", result.PerClass.Sum(c => c.ImageCount), result.Mean);
    Console.WriteLine("| paper (DA-CLIP, VisA) | 2,162 | 88.5 | 90.4 | 95.5 | | 91.7 (convention not stated) | |");
    Console.WriteLine();
    Console.WriteLine("PRO: area under the per-region-overlap curve up to FPR 0.3, in the MVTec AD definition (exact) and as AnomalyCLIP's code computes it (docs/metrics.md).");
    Console.WriteLine($"Report: {Path.Combine(reportFolder, "index.html")}");
    Console.WriteLine($"Done in {clock.Elapsed:hh\\:mm\\:ss}.");

    static void Row(string name, int images, SegmentationMetrics m) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {name} | {images} | {100 * m.ImageAuroc:F1} | {100 * m.ImageAveragePrecision:F1} | {100 * m.PixelAuroc:F1} | " +
        $"{100 * m.PixelAveragePrecision:F1} | {100 * m.PixelAuproExact:F1} | {100 * m.PixelAuproAnomalyClip:F1} |"));
}

// "cuda" -> GPU 0, "cuda:N" -> GPU N, "cpu" -> none.
static int? GpuDevice(string device)
{
    if (device == "cpu") return null;
    if (device == "cuda") return 0;
    if (device.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(device.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out int id))
        return id;
    throw new DaClipException($"--device '{device}' is not cpu, cuda or cuda:N.");
}
