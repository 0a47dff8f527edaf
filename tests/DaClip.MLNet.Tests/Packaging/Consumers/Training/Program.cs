// A training application as a user writes it: references the DaClip.MLNet.Training package, TorchSharp-cpu and the
// CPU ONNX Runtime package. Trains the built-in tiny backbone for one epoch on synthetic defects, saves the model,
// scores the held-out images and prints "trained <n> scored <m> mean-score <x> model <path>".
using System.Globalization;
using DaClip.MLNet;
using DaClip.MLNet.Data;
using DaClip.MLNet.Training;
using DaClip.MLNet.Training.Synthetic;
using Microsoft.ML;
using Microsoft.ML.Data;

string output = args[0];
var data = new SyntheticDefectOptions { ImageSize = 32, TrainGoodPerClass = 0, TestGoodPerClass = 1, TestAnomalousPerClass = 2, Seed = 1 };
var split = SyntheticDefectSplit.Default;
new SyntheticDefectGenerator(split.AuxiliaryOptions(data)).WriteMvtecFolder(Path.Combine(output, "auxiliary"), overwrite: true);
new SyntheticDefectGenerator(split.HeldOutOptions(data)).WriteMvtecFolder(Path.Combine(output, "held-out"), overwrite: true);

var ml = new MLContext(seed: 1);
var train = AnomalyDatasets.Read(DatasetKind.MvtecAd, Path.Combine(output, "auxiliary")).ToDataView(ml);
var test = AnomalyDatasets.Read(DatasetKind.MvtecAd, Path.Combine(output, "held-out")).ToDataView(ml);
var trainer = ml.AnomalyDetection.Trainers.DaClip(new DaClipOptions
{
    Backbone = "tiny",
    ImageColumnName = nameof(AnomalyImageRow.ImagePath),
    LabelColumnName = nameof(AnomalyImageRow.Label),
    MaskColumnName = nameof(AnomalyImageRow.MaskPath),
    ClassColumnName = nameof(AnomalyImageRow.Class),
    Model = new DaClipModelOptions { ImageSize = 32 },
    Epochs = 1,
    BatchSize = 4,
    Seed = 1,
    TrainingThreads = 1,
});
using DaClipTransformer model = trainer.Fit(train);
string zip = Path.Combine(output, "model.zip");
model.Save(zip, train.Schema);
var scores = model.Transform(test).GetColumn<float>("Score").ToArray();
long trained = train.GetColumn<bool>(nameof(AnomalyImageRow.Label)).LongCount();
Console.WriteLine($"trained {trained} scored {scores.Length} mean-score {scores.Average().ToString("R", CultureInfo.InvariantCulture)} model {zip}");
