using DaClip.MLNet.Tests.Infrastructure;
using DaClip.MLNet.Training;
using DaClip.MLNet.Training.ZeroShot;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.MLNet;

/// <summary>Runs the training-free baseline code of docs/mlnet.md (see <see cref="MLNetDocsTests"/>).</summary>
[TestClass]
public class MLNetZeroShotDocsTests
{
    [TestMethod]
    public void ZeroShotRecipe_Runs()
    {
        using var dir = new TempDir("mlnet-zero-shot-docs");
        var images = SyntheticImages.Write(dir.Path, 4, seed: 93);
        string zeroShotZipPath = dir.File("zero-shot.zip");
        var mlContext = new MLContext();
        IDataView testData = mlContext.Data.LoadFromEnumerable(
            images.Select(i => new MLNetDocsTests.DocRow { ImagePath = i.Path, Label = i.Anomalous, MaskPath = i.MaskPath, Class = i.Class }).ToList());

        // doc:begin zeroshot
        var zeroShot = mlContext.AnomalyDetection.Trainers.DaClipZeroShot(new DaClipZeroShotOptions
        {
            Backbone = "tiny", // or the path of an OpenAI CLIP checkpoint, with VocabPath = "bpe_simple_vocab_16e6.txt.gz"
            ImageColumnName = "ImagePath",
            Model = new DaClipModelOptions { ImageSize = 32 }, // e.g. 224 for ViT-B/16, 336 or 518 for ViT-L/14@336
            Prompts = new CompositionalPromptEnsemble { ObjectName = "object" }, // or the product, e.g. "bottle"
        });
        IDataView noRows = mlContext.Data.LoadFromEnumerable(new List<MLNetDocsTests.DocRow>());
        using DaClipTransformer baseline = zeroShot.Fit(noRows);   // reads no rows: nothing is trained
        IDataView zeroShotScores = baseline.Transform(testData);   // Score, PredictedLabel, ScoreCentered, AnomalyMap
        baseline.Save(zeroShotZipPath, testData.Schema);
        // doc:end

        var scores = zeroShotScores.GetColumn<float>("Score").ToArray();
        Assert.AreEqual(images.Count, scores.Length);
        Assert.IsTrue(scores.All(s => s is >= 0 and <= 1), "scores are probabilities");
        using var reloaded = DaClipTransformer.Load(new MLContext(), zeroShotZipPath);
        CollectionAssert.AreEqual(scores, reloaded.Transform(testData).GetColumn<float>("Score").ToArray());
    }
}
