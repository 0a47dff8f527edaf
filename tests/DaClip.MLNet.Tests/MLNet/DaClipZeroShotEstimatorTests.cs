using DaClip.MLNet.Imaging;
using DaClip.MLNet.Scoring;
using DaClip.MLNet.Tests.Infrastructure;
using DaClip.MLNet.Training.Clip;
using DaClip.MLNet.Training.Export;
using DaClip.MLNet.Training;
using DaClip.MLNet.Training.ZeroShot;
using Microsoft.ML;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;

namespace DaClip.MLNet.Tests.MLNet;

/// <summary>
/// The training-free detector in ML.NET: <c>Fit</c> on a data view without rows, scores equal to the TorchSharp
/// reference on the same preprocessed pixels, both catalog entries, save and load, and schema errors.
/// </summary>
[TestClass]
public sealed class DaClipZeroShotEstimatorTests
{
    private const int Size = 64;

    private sealed class ImageRow
    {
        public string Image { get; set; } = "";
    }

    private static DaClipZeroShotOptions Options() => new() { Backbone = ClipBackbone.TinyName, Model = new DaClipModelOptions { ImageSize = Size, TopK = 10 } };

    [TestMethod]
    public void Fit_needs_no_rows_and_scores_as_the_reference()
    {
        using var dir = new TempDir("zero-shot-mlnet");
        var images = SyntheticImages.Write(dir.Path, 4, seed: 2);
        var ml = new MLContext(seed: 1);
        var empty = ml.Data.LoadFromEnumerable(new List<ImageRow>());
        using var model = ml.AnomalyDetection.Trainers.DaClipZeroShot(Options()).Fit(empty);
        Assert.AreEqual(Size, model.ImageSize);
        Assert.AreEqual(DaClipModelContract.MethodZeroShot, model.ModelMetadata[DaClipModelMetadata.Method]);
        var data = ml.Data.LoadFromEnumerable(images.Select(i => new ImageRow { Image = i.Path }).ToList());
        var predictions = model.ScoreBatch(data);

        using var backbone = ClipBackbone.Load(ClipBackbone.TinyName);
        using var net = ZeroShotNetwork.Create(backbone.Model, backbone.Tokenizer, Options().Model);
        var pre = new ImagePreprocessor(Size);
        using var scope = torch.NewDisposeScope();
        using var expected = net.Predict(torch.tensor(images.SelectMany(i => pre.Process(i.Path)).ToArray(), [images.Count, 3, Size, Size]));
        var scores = FixtureTensors.Values(expected.Score);
        var maps = FixtureTensors.Values(expected.AnomalyMap);
        for (int i = 0; i < images.Count; i++)
        {
            Assert.AreEqual(scores[i], predictions[i].Score, 1e-4, images[i].Path);
            Tolerance.AssertClose(predictions[i].AnomalyMap, maps.AsSpan(i * Size * Size, Size * Size), 1e-4, 0, images[i].Path);
        }

        // The transforms-catalog entry builds the same model; the model saves and reloads like a trained one.
        using var viaTransforms = ml.Transforms.DetectAnomaliesZeroShot(Options()).Fit(empty);
        Assert.AreEqual(predictions[0].Score, viaTransforms.ScoreBatch(data)[0].Score);
        var zip = dir.File("zero-shot.zip");
        model.Save(zip, empty.Schema);
        using var loaded = DaClipTransformer.Load(new MLContext(), zip);
        Assert.AreEqual(predictions[1].Score, loaded.ScoreBatch(data)[1].Score);
    }

    [TestMethod]
    public void A_missing_image_column_or_backbone_is_named()
    {
        var ml = new MLContext();
        var wrong = ml.Data.LoadFromEnumerable(new List<ImageRow>());
        var options = Options();
        options.ImageColumnName = "Photo";
        var ex = Assert.ThrowsExactly<DaClipSchemaException>(() => ml.AnomalyDetection.Trainers.DaClipZeroShot(options).Fit(wrong));
        StringAssert.Contains(ex.Message, "Photo");
        var noBackbone = Assert.ThrowsExactly<DaClipOptionException>(() => ml.Transforms.DetectAnomaliesZeroShot(new DaClipZeroShotOptions()));
        StringAssert.Contains(noBackbone.Message, "DaClipZeroShotOptions.Backbone");
    }
}
