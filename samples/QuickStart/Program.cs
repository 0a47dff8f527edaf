// DaClip.MLNet quick start: zero-shot anomaly detection, end to end in ML.NET, with nothing to download.
//
//   1. draw a synthetic defect dataset: "auxiliary" categories to train on, "held-out" categories to test on
//   2. train DA-CLIP on the auxiliary categories through ML.NET (mlContext.AnomalyDetection.Trainers.DaClip)
//   3. score the held-out categories, which the model never saw (zero-shot, like MVTec AD -> VisA in the paper)
//   4. evaluate: ML.NET's image-level evaluator and DA-CLIP's pixel-level EvaluateSegmentation, side by side with
//      the training-free CLIP baseline (mlContext.Transforms.DetectAnomaliesZeroShot: no training data at all)
//   5. write an HTML report with heatmaps and curves
//
// The default backbone is "mini": a small CLIP that this project pretrained contrastively on captioned synthetic
// images (docs/pretraining.md), shipped inside DaClip.MLNet.Training. It is a stand-in for OpenAI CLIP on synthetic
// data, not a general model: on real photographs use real CLIP weights (see the end of this file and
// samples/ZeroShotTransfer). "tiny" (--backbone tiny) is a random network that only shows the pipeline.

using System.Diagnostics;
using System.Globalization;
using DaClip.MLNet;
using DaClip.MLNet.Data;
using DaClip.MLNet.Metrics;
using DaClip.MLNet.Reporting;
using DaClip.MLNet.Training;
using DaClip.MLNet.Training.Synthetic;
using DaClip.Samples.QuickStart;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

QuickStartSettings? settings;
try
{
    settings = QuickStartSettings.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(QuickStartSettings.Usage);
    return 2;
}
if (settings is null)
{
    Console.WriteLine(QuickStartSettings.Usage);
    return 0;
}

var clock = Stopwatch.StartNew();
string output = settings.OutputDirectory;
Directory.CreateDirectory(output);
Console.WriteLine("DaClip.MLNet quick start");
Console.WriteLine($"Output folder: {output}");
if (settings.IsMiniBackbone)
{
    Console.WriteLine("""

        Backbone "mini": a small CLIP pretrained by this project on captioned synthetic images (docs/pretraining.md).
        It knows these synthetic objects, textures and defect words, not real photographs: a stand-in for OpenAI CLIP.

        """);
}
if (settings.IsTinyBackbone)
{
    Console.WriteLine("""

        NOTE: this run uses the built-in "tiny" backbone, whose weights are RANDOM. It demonstrates the pipeline
        (data -> training -> zero-shot scoring -> evaluation -> report); its metrics say nothing about DA-CLIP's accuracy.
        How to use real CLIP weights is printed at the end.

        """);
}

// ---------------------------------------------------------------------------------------------------------------
// 1. Synthetic data in the MVTec AD folder layout (<category>/test/<defect>/000.png, <category>/ground_truth/...).
//    The default split trains on stripes, wood, nut and screw and tests on weave, carpet, capsule and pcb.
// ---------------------------------------------------------------------------------------------------------------
var split = SyntheticDefectSplit.Default;
var dataOptions = new SyntheticDefectOptions
{
    ImageSize = settings.ImageSize,
    TrainGoodPerClass = 0,                                   // DA-CLIP trains on labelled test-style images, not on train/good
    TestGoodPerClass = Math.Max(1, settings.AnomalousPerCategory / 2),
    TestAnomalousPerClass = settings.AnomalousPerCategory,
    Seed = settings.Seed,
};
string auxiliaryRoot = Path.Combine(output, "data", "auxiliary");
string heldOutRoot = Path.Combine(output, "data", "held-out");
new SyntheticDefectGenerator(split.AuxiliaryOptions(dataOptions)).WriteMvtecFolder(auxiliaryRoot, overwrite: true);
new SyntheticDefectGenerator(split.HeldOutOptions(dataOptions)).WriteMvtecFolder(heldOutRoot, overwrite: true);

// The dataset readers know the public layouts of MVTec AD, VisA and nine more sets (docs/datasets.md). A data view
// from them has the columns ImagePath, Class, Label (Boolean, true = anomalous), MaskPath (empty: none), DefectType.
var mlContext = new MLContext(seed: settings.Seed);
mlContext.Log += (_, e) =>
{
    // DA-CLIP's messages (training progress, model summary) reach ML.NET's log with the source "DaClip".
    if (e.Source == "DaClip" && e.Kind is ChannelMessageKind.Info or ChannelMessageKind.Warning)
        Console.WriteLine($"   {e.RawMessage}");
};
AnomalyDataset auxiliary = AnomalyDatasets.Read(DatasetKind.MvtecAd, auxiliaryRoot);
AnomalyDataset heldOut = AnomalyDatasets.Read(DatasetKind.MvtecAd, heldOutRoot);
Console.WriteLine($"1. Data: training on {auxiliary.Samples.Count} images of {string.Join(", ", auxiliary.Classes)}; " +
    $"zero-shot test on {heldOut.Samples.Count} images of {string.Join(", ", heldOut.Classes)} ({Elapsed(clock)}).");
IDataView trainingData = auxiliary.ToDataView(mlContext);
IDataView testData = heldOut.ToDataView(mlContext);

// ---------------------------------------------------------------------------------------------------------------
// 2. Training. The estimator reads the image paths, labels and masks, trains DA-CLIP's small learnable parts over the
//    frozen CLIP backbone with TorchSharp, exports the network to ONNX and returns a DaClipTransformer, which scores
//    with ONNX Runtime. (samples/PipelineComposition puts LoadImages in front instead of using the path column.)
// ---------------------------------------------------------------------------------------------------------------
var options = new DaClipOptions
{
    Backbone = settings.Backbone,                            // "mini", "tiny" or the path of a CLIP checkpoint
    VocabPath = settings.VocabPath,                          // CLIP's BPE vocabulary, for a checkpoint
    ImageColumnName = nameof(AnomalyImageRow.ImagePath),
    LabelColumnName = nameof(AnomalyImageRow.Label),
    MaskColumnName = nameof(AnomalyImageRow.MaskPath),
    ClassColumnName = nameof(AnomalyImageRow.Class),
    Model = new DaClipModelOptions { ImageSize = settings.ImageSize },
    Epochs = settings.Epochs,
    BatchSize = 8,
    Seed = settings.Seed,
    // The built-in backbones' tensors are too small to gain from several CPU threads, and libtorch's OpenMP threads
    // busy-wait for each other: on a busy machine two threads made tiny's training 10 to 30 times slower than one.
    // (A real CLIP backbone does gain from threads: leave the default, null, there.)
    TrainingThreads = settings.IsBuiltInBackbone ? 1 : null,
};
Console.WriteLine($"2. Training DA-CLIP ({settings.Backbone} backbone, S = {settings.ImageSize}, {settings.Epochs} epoch(s)):");
var trainer = mlContext.AnomalyDetection.Trainers.DaClip(options);
using DaClipTransformer model = trainer.Fit(trainingData);
string modelPath = Path.Combine(output, "model.zip");
model.Save(modelPath, trainingData.Schema);                  // an ML.NET model zip with the ONNX network inside
Console.WriteLine($"   Model saved to {modelPath} ({Elapsed(clock)}).");

// ---------------------------------------------------------------------------------------------------------------
// 3. Zero-shot scoring of the held-out categories. Transform adds Score, PredictedLabel, ScoreCentered and AnomalyMap
//    (S x S, row-major). Data views are lazy: Cache keeps the scores so that the evaluators below do not re-score.
// ---------------------------------------------------------------------------------------------------------------
IDataView scored = mlContext.Data.Cache(model.Transform(testData));
Console.WriteLine($"3. Scored {heldOut.Samples.Count} held-out images (threshold {model.Threshold.ToString(CultureInfo.InvariantCulture)}).");

// ---------------------------------------------------------------------------------------------------------------
// 4. Evaluation. ML.NET's anomaly-detection evaluator wants a Single label (1 = anomalous); EvaluateSegmentation
//    computes the metrics of the zero-shot literature per class: image and pixel AUROC / AP / F1-max and PRO.
// ---------------------------------------------------------------------------------------------------------------
IDataView withSingleLabel = mlContext.Transforms.Conversion
    .ConvertType("LabelSingle", nameof(AnomalyImageRow.Label), DataKind.Single)
    .Fit(scored).Transform(scored);
var imageMetrics = mlContext.AnomalyDetection.Evaluate(withSingleLabel,
    labelColumnName: "LabelSingle", scoreColumnName: "Score", predictedLabelColumnName: "PredictedLabel");
SegmentationEvaluationResult segmentation = mlContext.AnomalyDetection.EvaluateSegmentation(scored,
    labelColumnName: nameof(AnomalyImageRow.Label), maskColumnName: nameof(AnomalyImageRow.MaskPath),
    classColumnName: nameof(AnomalyImageRow.Class));

// The training-free baseline on the same backbone: WinCLIP-style prompt ensemble, no adapters, no DAR, no Fit data.
var baselineEstimator = mlContext.Transforms.DetectAnomaliesZeroShot(new DaClipZeroShotOptions
{
    Backbone = settings.Backbone,
    VocabPath = settings.VocabPath,
    ImageColumnName = nameof(AnomalyImageRow.ImagePath),
    Model = new DaClipModelOptions { ImageSize = settings.ImageSize },
});
using DaClipTransformer baseline = baselineEstimator.Fit(testData);        // reads the schema only: nothing is trained
SegmentationEvaluationResult baselineSegmentation = mlContext.AnomalyDetection.EvaluateSegmentation(
    mlContext.Data.Cache(baseline.Transform(testData)),
    labelColumnName: nameof(AnomalyImageRow.Label), maskColumnName: nameof(AnomalyImageRow.MaskPath),
    classColumnName: nameof(AnomalyImageRow.Class));

Console.WriteLine($"4. Evaluation ({Elapsed(clock)}):");
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"   ML.NET AnomalyDetection.Evaluate (all held-out images): AUROC {imageMetrics.AreaUnderRocCurve:F3}, " +
    $"detection rate at 10 false positives {imageMetrics.DetectionRateAtFalsePositiveCount:F3}"));
Console.WriteLine();
Console.WriteLine("   Trained DA-CLIP on the held-out categories (percent):");
PrintMetricsTable(segmentation);
Console.WriteLine();
Console.WriteLine($"   Training-free baseline vs trained DA-CLIP ({settings.Backbone} backbone), held-out categories, percent:");
PrintComparison(baselineSegmentation, segmentation);

// ---------------------------------------------------------------------------------------------------------------
// 5. HTML report: the metrics table, ROC and PRO curves, and per class the worst false alarms and misses as heatmap
//    overlays (ground truth outlined in green). The builder evaluates as it goes and keeps only the maps it will show.
// ---------------------------------------------------------------------------------------------------------------
float[] scores = scored.GetColumn<float>("Score").ToArray();
float[][] maps = scored.GetColumn<float[]>("AnomalyMap").ToArray();      // rows come back in the data view's order
var report = new AnomalyReportBuilder();
for (int i = 0; i < heldOut.Samples.Count; i++)
{
    AnomalySample sample = heldOut.Samples[i];
    report.Add(new AnomalyReportImage
    {
        ClassName = sample.Class,
        IsAnomalous = sample.Label,
        Score = scores[i],
        ImagePath = sample.ImagePath,
        MaskPath = sample.MaskPath,
        AnomalyMap = maps[i],
    });
}
string reportFolder = Path.Combine(output, "report");
AnomalyReport.Write(reportFolder, report.Build("DA-CLIP quick start: zero-shot on held-out synthetic categories") with
{
    Model = modelPath,
    Backbone = settings.IsTinyBackbone ? "tiny (RANDOM weights: a pipeline demonstration)"
        : settings.IsMiniBackbone ? "mini (pretrained by this project on captioned synthetic images; not a general model)" : settings.Backbone,
    RunInfo =
    [
        new("training categories", string.Join(", ", auxiliary.Classes)),
        new("image size S", settings.ImageSize.ToString(CultureInfo.InvariantCulture)),
        new("epochs", settings.Epochs.ToString(CultureInfo.InvariantCulture)),
        new("training-free baseline (mean)", Summary(baselineSegmentation.Mean)),
        new("trained DA-CLIP (mean)", Summary(segmentation.Mean)),
        .. baselineSegmentation.PerClass.Select(b => new KeyValuePair<string, string>($"{b.ClassName}: baseline → DA-CLIP",
            Versus(b.Metrics, segmentation.PerClass.Single(c => c.ClassName == b.ClassName).Metrics))),
    ],
    // Judge each image as the saved model does (Score > threshold); without this, the report picks per class the
    // threshold with the best F1, which needs labels you do not have in production.
    ImageThresholds = heldOut.Classes.ToDictionary(c => c, _ => model.Threshold),
});
Console.WriteLine($"5. Report: {new Uri(Path.Combine(reportFolder, "index.html")).AbsoluteUri}");

// ---------------------------------------------------------------------------------------------------------------
// What next.
// ---------------------------------------------------------------------------------------------------------------
Console.WriteLine();
Console.WriteLine($"Done in {Elapsed(clock)}. Data: {Path.Combine(output, "data")}; model: {modelPath}.");
Console.WriteLine($"Open the report in a browser: {Path.Combine(reportFolder, "index.html")}");
if (settings.IsMiniBackbone)
{
    Console.WriteLine("""

        The mini backbone has only seen synthetic images. For real photographs use OpenAI's CLIP ViT-L/14@336:
          dotnet run --project src/DaClip.Cli -c Release -- download ViT-L-14-336
        then pass --backbone <cache>/ViT-L-14-336px.pt --vocab <cache>/bpe_simple_vocab_16e6.txt.gz (samples/ZeroShotTransfer
        runs the paper's MVTec AD -> VisA experiment).
        """);
}
if (settings.IsTinyBackbone)
{
    Console.WriteLine("""

        These numbers come from RANDOM weights: they show the pipeline, not DA-CLIP. For real results:
          1. fetch OpenAI's CLIP ViT-L/14@336 and its vocabulary (about 0.9 GB, into ~/.cache/daclip):
               dotnet run --project src/DaClip.Cli -c Release -- download ViT-L-14-336
          2. train with it: in code, DaClipOptions.Backbone = "<cache>/ViT-L-14-336px.pt",
             VocabPath = "<cache>/bpe_simple_vocab_16e6.txt.gz", Model.ImageSize = 518 (the paper; 336 is faster);
             or rerun this quick start with them (slow on a CPU; a GPU helps, docs/gpu.md):
               dotnet run --project samples/QuickStart -c Release -- --backbone <cache>/ViT-L-14-336px.pt --vocab <cache>/bpe_simple_vocab_16e6.txt.gz --size 336
          3. the paper's experiment, MVTec AD -> VisA: samples/ZeroShotTransfer.
        """);
}
return 0;

static string Summary(SegmentationMetrics m) => string.Create(CultureInfo.InvariantCulture,
    $"image AUROC {100 * m.ImageAuroc:F1} %, pixel AUROC {100 * m.PixelAuroc:F1} %, PRO {100 * m.PixelAuproExact:F1} %");

static string Versus(SegmentationMetrics b, SegmentationMetrics d) => string.Create(CultureInfo.InvariantCulture,
    $"image AUROC {100 * b.ImageAuroc:F1} → {100 * d.ImageAuroc:F1}, pixel AUROC {100 * b.PixelAuroc:F1} → {100 * d.PixelAuroc:F1}, PRO {100 * b.PixelAuproExact:F1} → {100 * d.PixelAuproExact:F1}");

// Per held-out class and the mean: the training-free baseline and the trained DA-CLIP next to each other.
static void PrintComparison(SegmentationEvaluationResult baseline, SegmentationEvaluationResult trained)
{
    Console.WriteLine("   | class    | image AUROC baseline / DA-CLIP | pixel AUROC baseline / DA-CLIP | PRO baseline / DA-CLIP |");
    Console.WriteLine("   |----------|--------------------------------|--------------------------------|------------------------|");
    foreach (var c in trained.PerClass) Row(c.ClassName, baseline.PerClass.Single(b => b.ClassName == c.ClassName).Metrics, c.Metrics);
    Row("mean", baseline.Mean, trained.Mean);

    static void Row(string name, SegmentationMetrics b, SegmentationMetrics d) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"   | {name,-8} | {100 * b.ImageAuroc,14:F1} / {100 * d.ImageAuroc,-13:F1} | {100 * b.PixelAuroc,14:F1} / {100 * d.PixelAuroc,-13:F1} | {100 * b.PixelAuproExact,10:F1} / {100 * d.PixelAuproExact,-9:F1} |"));
}

static string Elapsed(Stopwatch clock) => $"{clock.Elapsed.TotalSeconds.ToString("F0", CultureInfo.InvariantCulture)} s";

// One row per held-out class and the mean: image-level and pixel-level metrics, in percent.
static void PrintMetricsTable(SegmentationEvaluationResult result)
{
    Console.WriteLine("   | class    | images | image AUROC | image AP | image F1-max | pixel AUROC | pixel AP | pixel F1-max | PRO  |");
    Console.WriteLine("   |----------|--------|-------------|----------|--------------|-------------|----------|--------------|------|");
    foreach (var c in result.PerClass) Row(c.ClassName, c.ImageCount.ToString(CultureInfo.InvariantCulture), c.Metrics);
    Row("mean", result.PerClass.Sum(c => c.ImageCount).ToString(CultureInfo.InvariantCulture), result.Mean);

    static void Row(string name, string images, SegmentationMetrics m) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"   | {name,-8} | {images,6} | {100 * m.ImageAuroc,11:F1} | {100 * m.ImageAveragePrecision,8:F1} | {100 * m.ImageF1Max,12:F1} | " +
        $"{100 * m.PixelAuroc,11:F1} | {100 * m.PixelAveragePrecision,8:F1} | {100 * m.PixelF1Max,12:F1} | {100 * m.PixelAuproExact,4:F1} |"));
}
