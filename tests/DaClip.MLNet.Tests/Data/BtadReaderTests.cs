using DaClip.MLNet.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Data;

[TestClass]
public class BtadReaderTests
{
    /// <summary>BTech_Dataset_transformed: 01 has .bmp images and .png masks, 02 .png and .png, 03 .bmp and .bmp.</summary>
    private static DatasetReplica Replica()
    {
        var r = new DatasetReplica("BTech_Dataset_transformed");
        r.Image("01/train/ok/0000.bmp");
        r.Image("01/test/ok/0000.bmp");
        r.Image("01/test/ko/0000.bmp");
        r.Image("01/test/ko/0001.bmp");
        r.Mask("01/ground_truth/ko/0000.png");
        r.Mask("01/ground_truth/ko/0001.png");
        r.Image("02/train/ok/0000.png");
        r.Image("02/test/ok/0000.png");
        r.Image("02/test/ko/0000.png");
        r.Mask("02/ground_truth/ko/0000.png");
        r.Image("03/train/ok/0000.bmp");
        r.Image("03/test/ok/0000.bmp");
        r.Image("03/test/ok/0001.bmp");
        r.Image("03/test/ko/0000.bmp");
        r.Mask("03/ground_truth/ko/0000.bmp");
        return r;
    }

    [TestMethod]
    public void PairsMasksByStemAcrossExtensions()
    {
        using var r = Replica();
        var ds = AnomalyDatasets.Read(DatasetKind.Btad, r.Root);
        CollectionAssert.AreEqual(new[] { "01", "02", "03" }, ds.Classes.ToArray());
        Assert.AreEqual(4, ds.NormalCount);
        Assert.AreEqual(4, ds.AnomalousCount);

        var expected = new Dictionary<string, string>
        {
            ["01/test/ko/0000.bmp"] = "01/ground_truth/ko/0000.png",
            ["01/test/ko/0001.bmp"] = "01/ground_truth/ko/0001.png",
            ["02/test/ko/0000.png"] = "02/ground_truth/ko/0000.png",
            ["03/test/ko/0000.bmp"] = "03/ground_truth/ko/0000.bmp",
        };
        foreach (var (image, mask) in expected)
        {
            var s = ds.Samples.Single(x => x.ImagePath == r.PathOf(image));
            Assert.IsTrue(s.Label, image);
            Assert.AreEqual("ko", s.DefectType, image);
            Assert.AreEqual(r.PathOf(mask), s.MaskPath, image);
        }
        Assert.IsTrue(ds.Samples.Where(s => !s.Label).All(s => s.DefectType == "ok" && s.MaskPath is null));
    }

    [TestMethod]
    public void TrainSplitIsTheOkFolders()
    {
        using var r = Replica();
        var ds = AnomalyDatasets.Read(DatasetKind.Btad, r.Root, new DatasetReadOptions { Split = DatasetSplit.Train });
        CollectionAssert.AreEqual(
            new[] { "01/train/ok/0000.bmp", "02/train/ok/0000.png", "03/train/ok/0000.bmp" }.Select(r.PathOf).ToArray(),
            ds.Samples.Select(s => s.ImagePath).ToArray());
    }

    [TestMethod]
    public void MvtecFolderNamesAreNotBtad()
    {
        using var r = Replica();
        r.Image("02/test/good/0005.png");
        var ex = Assert.ThrowsExactly<DatasetLayoutException>(() => AnomalyDatasets.Read(DatasetKind.Btad, r.Root));
        StringAssert.Contains(ex.Problem, "02/test/good");
    }
}
