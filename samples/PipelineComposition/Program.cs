// DA-CLIP as one stage of an ML.NET pipeline:
//
//   LoadImages -> DaClip trainer          (training happens in Fit)
//   -> evaluators                         (AnomalyDetection.Evaluate, BinaryClassification.EvaluateNonCalibrated,
//                                          EvaluateSegmentation)
//   -> threshold calibration              (from normal images, or for the best F1 on labelled ones)
//   -> mlContext.Model.Save / Load        (the ONNX network travels inside the zip)
//   -> PredictionEngine on one image
//
// It uses synthetic data and the built-in "mini" backbone, a small CLIP this project pretrained on captioned synthetic
// images (docs/pretraining.md): a stand-in for OpenAI CLIP on synthetic data, not a general model.
// Usage: dotnet run --project samples/PipelineComposition [-- <output folder>]

using System.Globalization;
using DaClip.MLNet;
using DaClip.MLNet.Data;
using DaClip.MLNet.Imaging;
using DaClip.MLNet.Training;
using DaClip.MLNet.Training.Synthetic;
using DaClip.Samples.PipelineComposition;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

string output = args.Length > 0 ? Path.GetFullPath(args[0]) : Path.Combine(Path.GetTempPath(), "daclip-pipeline-composition");
Console.WriteLine($"Output folder: {output}");
Console.WriteLine("Backbone \"mini\": pretrained by this project on captioned synthetic images (not a general model).");
Console.WriteLine();

// Data: train on the auxiliary synthetic categories; the held-out ones are split in two, one half to calibrate the
// threshold and one half to test (a product line you have a few labelled images of, and the images to inspect).
var split = SyntheticDefectSplit.Default;
var dataOptions = new SyntheticDefectOptions
{
    ImageSize = Sample.ImageSize,
    TrainGoodPerClass = 0,
    TestGoodPerClass = 8,
    TestAnomalousPerClass = 8,
    Seed = 7,
};
new SyntheticDefectGenerator(split.AuxiliaryOptions(dataOptions)).WriteMvtecFolder(Path.Combine(output, "auxiliary"), overwrite: true);
new SyntheticDefectGenerator(split.HeldOutOptions(dataOptions)).WriteMvtecFolder(Path.Combine(output, "held-out"), overwrite: true);
AnomalyDataset heldOut = AnomalyDatasets.Read(DatasetKind.MvtecAd, Path.Combine(output, "held-out"));

var mlContext = new MLContext(seed: 7);
mlContext.Log += (_, e) =>                                  // DA-CLIP's progress messages come through ML.NET's log
{
    if (e.Source == "DaClip" && e.Kind == ChannelMessageKind.Info) Console.WriteLine($"   {e.RawMessage}");
};
IDataView training = AnomalyDatasets.Read(DatasetKind.MvtecAd, Path.Combine(output, "auxiliary")).ToDataView(mlContext);
var halves = mlContext.Data.TrainTestSplit(heldOut.ToDataView(mlContext), testFraction: 0.5, seed: 7);
IDataView calibration = halves.TrainSet;
IDataView test = halves.TestSet;

// 1. The pipeline. LoadImages decodes the files into an Image column and DA-CLIP reads that column. (Do not add
//    ResizeImages: DA-CLIP resizes with its own antialiased bicubic filter and refuses nearest-neighbour input.)
var pipeline = mlContext.Transforms.LoadImages(outputColumnName: "Image", imageFolder: null, inputColumnName: "ImagePath")
    .Append(mlContext.AnomalyDetection.Trainers.DaClip(new DaClipOptions
    {
        Backbone = "mini",
        ImageColumnName = "Image",
        LabelColumnName = "Label",
        MaskColumnName = "MaskPath",
        ClassColumnName = "Class",
        Model = new DaClipModelOptions { ImageSize = Sample.ImageSize },
        Epochs = 2,
        Seed = 7,
        TrainingThreads = 1,   // the built-in backbones train fastest on one libtorch thread (not so a real CLIP backbone)
    }));
Console.WriteLine("1. Fitting LoadImages -> DaClip (training with TorchSharp, then export to ONNX) ...");
using TransformerChain<DaClipTransformer> model = pipeline.Fit(training);
ITransformer imageLoader = model.First();                   // the fitted LoadImages stage
DaClipTransformer daclip = model.LastTransformer;           // the fitted DA-CLIP stage
Console.WriteLine($"   trained: S = {daclip.ImageSize}, threshold {Format(daclip.Threshold)}, backbone {daclip.Contract.Backbone}");

// 2. ML.NET's evaluators on the test half, at the exported threshold (0.5).
Console.WriteLine("2. Evaluation at the default threshold:");
Evaluate(mlContext, model.Transform(test));

// 3. Threshold calibration on the calibration half. Each call returns a new DaClipTransformer whose ONNX graph holds
//    the new threshold; put it back behind the same image loader.
IDataView calibrationNormals = mlContext.Data.FilterByCustomPredicate<LabelRow>(calibration, row => row.Label); // drops anomalous rows
using DaClipTransformer strict = daclip.CalibrateThreshold(imageLoader.Transform(calibrationNormals), maxFalsePositiveRate: 0.1);
using DaClipTransformer balanced = daclip.CalibrateThresholdF1(imageLoader.Transform(calibration), labelColumnName: "Label");
Console.WriteLine($"3. Thresholds: at most 10 % false alarms on normal images {Format(strict.Threshold)}; best F1 {Format(balanced.Threshold)}.");
Console.WriteLine("   Evaluation at the best-F1 threshold:");
TransformerChain<DaClipTransformer> calibrated = imageLoader.Append(balanced);
Evaluate(mlContext, calibrated.Transform(test));

// 4. Save and load. The zip holds the image loader, the ONNX network and the threshold; loading needs only the
//    DaClip.MLNet package (no TorchSharp).
string zip = Path.Combine(output, "model.zip");
mlContext.Model.Save(calibrated, training.Schema, zip);
var serving = new MLContext();
ITransformer loaded = serving.Model.Load(zip, out DataViewSchema inputSchema);
using DaClipTransformer loadedStage = DaClipTransformer.FromChain(serving, loaded);
Console.WriteLine($"4. Saved and loaded {zip}: input columns {string.Join(", ", inputSchema.Select(c => c.Name))}; threshold {Format(loadedStage.Threshold)}.");

// 5. A PredictionEngine on one anomalous image: its score, its verdict and where the anomaly map is hottest.
AnomalySample sample = heldOut.Samples.First(s => s.Label);
var engine = serving.Model.CreatePredictionEngine<ImageInput, AnomalyPrediction>(loaded);
AnomalyPrediction prediction = engine.Predict(new ImageInput { ImagePath = sample.ImagePath });
int hottest = Array.IndexOf(prediction.AnomalyMap, prediction.AnomalyMap.Max());
(int x, int y) = (hottest % Sample.ImageSize, hottest / Sample.ImageSize);
byte[] mask = MaskLoader.Load(sample.MaskPath!, Sample.ImageSize, ImageFit.Stretch); // the ground truth at S x S (1 = defect)
Console.WriteLine($"5. {Path.GetRelativePath(output, sample.ImagePath)} ({sample.Class}, {sample.DefectType}): score {Format(prediction.Score)}, " +
    $"anomalous: {prediction.PredictedLabel}; hottest map pixel ({x}, {y}) is {(mask[hottest] != 0 ? "inside" : "outside")} the defect.");
return 0;

// Image-level metrics from ML.NET's two evaluators, pixel-level from DA-CLIP's EvaluateSegmentation.
static void Evaluate(MLContext mlContext, IDataView scored)
{
    scored = mlContext.Data.Cache(scored);                   // score once, evaluate three times
    // AnomalyDetection.Evaluate wants a Single label (1 = anomalous).
    IDataView singleLabel = mlContext.Transforms.Conversion.ConvertType("LabelSingle", "Label", DataKind.Single).Fit(scored).Transform(scored);
    var anomaly = mlContext.AnomalyDetection.Evaluate(singleLabel, labelColumnName: "LabelSingle", scoreColumnName: "Score", predictedLabelColumnName: "PredictedLabel");
    // EvaluateNonCalibrated counts a positive where score > 0: ScoreCentered = Score - threshold is exactly that.
    var binary = mlContext.BinaryClassification.EvaluateNonCalibrated(scored, labelColumnName: "Label", scoreColumnName: "ScoreCentered", predictedLabelColumnName: "PredictedLabel");
    var segmentation = mlContext.AnomalyDetection.EvaluateSegmentation(scored, labelColumnName: "Label", maskColumnName: "MaskPath", classColumnName: "Class");
    Console.WriteLine($"   AnomalyDetection.Evaluate: AUROC {Format(anomaly.AreaUnderRocCurve)}");
    Console.WriteLine($"   BinaryClassification.EvaluateNonCalibrated: accuracy {Format(binary.Accuracy)}, precision {Format(binary.PositivePrecision)}, " +
        $"recall {Format(binary.PositiveRecall)}, F1 {Format(binary.F1Score)}");
    Console.WriteLine($"   EvaluateSegmentation (mean of {segmentation.PerClass.Count} classes): pixel AUROC {Format(segmentation.Mean.PixelAuroc)}, " +
        $"PRO {Format(segmentation.Mean.PixelAuproExact)}, image AUROC {Format(segmentation.Mean.ImageAuroc)}");
}

static string Format(double value) => value.ToString("F3", CultureInfo.InvariantCulture);

namespace DaClip.Samples.PipelineComposition
{
    /// <summary>Constants of this sample.</summary>
    internal static class Sample
    {
        /// <summary>Side S of the images and of the model input (the mini backbone's native 64).</summary>
        public const int ImageSize = 64;
    }

    /// <summary>The label, for filtering rows.</summary>
    internal sealed class LabelRow
    {
        public bool Label { get; set; }
    }

    /// <summary>What the PredictionEngine reads: the image path, as in training.</summary>
    internal sealed class ImageInput
    {
        public string ImagePath { get; set; } = "";
    }

    /// <summary>What the PredictionEngine returns: DA-CLIP's four output columns.</summary>
    internal sealed class AnomalyPrediction
    {
        public float Score { get; set; }

        public bool PredictedLabel { get; set; }

        public float ScoreCentered { get; set; }

        /// <summary>The S x S pixel anomaly map, row-major: pixel (x, y) at y * S + x.</summary>
        [VectorType(1, 1, Sample.ImageSize, Sample.ImageSize)]
        public float[] AnomalyMap { get; set; } = [];
    }
}
