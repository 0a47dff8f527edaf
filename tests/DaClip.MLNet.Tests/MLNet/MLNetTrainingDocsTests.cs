using DaClip.MLNet.Tests.Infrastructure;
using DaClip.MLNet.Training;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.MLNet;

/// <summary>Runs the training code of docs/mlnet.md (see <see cref="MLNetDocsTests"/>).</summary>
[TestClass]
public class MLNetTrainingDocsTests
{
    [TestMethod]
    public void TrainingRecipe_Runs()
    {
        using var dir = new TempDir("mlnet-training-docs");
        var images = SyntheticImages.Write(dir.Path, 6, seed: 91);
        string trainedZipPath = dir.File("trained.zip");
        var mlContext = new MLContext();
        IDataView trainingData = mlContext.Data.LoadFromEnumerable(
            images.Select(i => new MLNetDocsTests.DocRow { ImagePath = i.Path, Label = i.Anomalous, MaskPath = i.MaskPath, Class = i.Class }).ToList());

        // doc:begin train
        var options = new DaClipOptions
        {
            Backbone = "tiny", // or the path of a CLIP checkpoint, with VocabPath = "bpe_simple_vocab_16e6.txt.gz"
            ImageColumnName = "ImagePath",
            LabelColumnName = "Label",
            MaskColumnName = "MaskPath",
            Model = new DaClipModelOptions { ImageSize = 32 }, // 518 for ViT-L/14@336 as in the paper
            Epochs = 1,
            BatchSize = 4,
            Progress = new Progress<DaClip.MLNet.Training.DaClipTrainingProgress>(p => Console.WriteLine(p)),
        };
        var trainer = mlContext.AnomalyDetection.Trainers.DaClip(options);
        using DaClipTransformer trained = trainer.Fit(trainingData);
        trained.Save(trainedZipPath, trainingData.Schema);
        // doc:end

        Assert.AreEqual(32, trained.ImageSize);
        var scores = trained.Transform(trainingData).GetColumn<float>("Score").ToArray();
        Assert.AreEqual(images.Count, scores.Length);
        using var reloaded = DaClipTransformer.Load(new MLContext(), trainedZipPath);
        CollectionAssert.AreEqual(scores, reloaded.Transform(trainingData).GetColumn<float>("Score").ToArray());
    }
}
