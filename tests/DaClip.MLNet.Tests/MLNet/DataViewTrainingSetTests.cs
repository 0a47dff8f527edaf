using DaClip.MLNet.Imaging;
using DaClip.MLNet.Tests.Infrastructure;
using DaClip.MLNet.Training;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.MLNet;

[TestClass]
public class DataViewTrainingSetTests
{
    private const int Size = 16;

    private static ScoringFixture _f = null!;

    [ClassInitialize]
    public static void Setup(TestContext _) => _f = new ScoringFixture("mlnet-trainset", 6, seed: 51);

    [ClassCleanup]
    public static void Cleanup() => _f.Dispose();

    [TestMethod]
    public void EveryImageForm_GivesThePixelsAndMasksOfTheSharedPreprocessing()
    {
        var ml = new MLContext(seed: 1);
        var data = MLNetTestData.Rows(ml, _f.Images);
        var pre = new ImagePreprocessor(Size, ImageFit.Pad);
        var withColumns = ml.Transforms.LoadRawImageBytes("Bytes", null, "Image")
            .Append(ml.Transforms.LoadImages("Picture", null, "Image"))
            .Append(ml.Transforms.LoadImages("MaskPicture", null, "Mask"))
            .Append(ml.Transforms.Conversion.ConvertType("LabelSingle", "Label", DataKind.Single))
            .Fit(data).Transform(data);
        var sets = new[]
        {
            new DataViewTrainingSet(withColumns, DaClipImageKind.Path, "Image", "Label", "Mask", pre),
            new DataViewTrainingSet(withColumns, DaClipImageKind.EncodedBytes, "Bytes", "LabelSingle", "MaskPicture", pre),
            new DataViewTrainingSet(withColumns, DaClipImageKind.Image, "Picture", "Label", "Mask", pre),
        };
        foreach (var set in sets)
        {
            using var _ = set;
            Assert.AreEqual(_f.Images.Count, set.Count);
            Assert.AreEqual(_f.Images.Count(i => i.Anomalous), set.AnomalousCount);
            foreach (int i in new[] { 0, 3, 1, 5, 2 })
            {
                var example = set.Get(i);
                Assert.AreEqual(_f.Images[i].Anomalous, example.Label);
                CollectionAssert.AreEqual(pre.Process(_f.Images[i].Path), example.Pixels, $"pixels {i}");
                CollectionAssert.AreEqual(MaskLoader.Load(_f.Images[i].MaskPath, Size, ImageFit.Pad), example.Mask, $"mask {i}");
                Assert.AreEqual(_f.Images[i].Anomalous, example.Mask!.Any(v => v != 0));
            }
        }
    }

    [TestMethod]
    public void EmptyMaskPath_MeansNoMask_AndWrongColumnsAreSchemaErrors()
    {
        var ml = new MLContext(seed: 1);
        var rows = _f.Images.Select(i => new ImageRow { Image = i.Path, Label = i.Anomalous, Mask = "" }).ToList();
        var data = ml.Data.LoadFromEnumerable(rows);
        using var set = new DataViewTrainingSet(data, DaClipImageKind.Path, "Image", "Label", "Mask", new ImagePreprocessor(Size));
        Assert.IsNull(set.Get(1).Mask);
        var label = Assert.ThrowsExactly<DaClipSchemaException>(() => new DataViewTrainingSet(data, DaClipImageKind.Path, "Image", "Class", null, new ImagePreprocessor(Size)));
        Assert.AreEqual("label", label.Role);
        Assert.AreEqual("String", label.ActualType);
        var mask = Assert.ThrowsExactly<DaClipSchemaException>(() => new DataViewTrainingSet(data, DaClipImageKind.Path, "Image", "Label", "Label", new ImagePreprocessor(Size)));
        Assert.AreEqual("mask", mask.Role);
        var badSingle = ml.Data.LoadFromEnumerable(new[] { new { Image = _f.Images[0].Path, Label = 0.5f } });
        Assert.ThrowsExactly<DaClipException>(() => new DataViewTrainingSet(badSingle, DaClipImageKind.Path, "Image", "Label", null, new ImagePreprocessor(Size)));
    }
}
