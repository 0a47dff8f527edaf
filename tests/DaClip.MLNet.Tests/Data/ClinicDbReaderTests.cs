using DaClip.MLNet.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Data;

[TestClass]
public class ClinicDbReaderTests
{
    [TestMethod]
    public void ReadsTheOriginalTifRelease()
    {
        using var r = new DatasetReplica("CVC-ClinicDB");
        foreach (var n in new[] { 1, 2, 10 })
        {
            r.Image($"Original/{n}.tif");
            r.Mask($"Ground Truth/{n}.tif");
        }
        r.Text("README.txt", "CVC-ClinicDB");

        var ds = AnomalyDatasets.Read(DatasetKind.ClinicDb, r.Root);
        CollectionAssert.AreEqual(new[] { "Original/1.tif", "Original/10.tif", "Original/2.tif" }.Select(r.PathOf).ToArray(),
            ds.Samples.Select(s => s.ImagePath).ToArray());
        CollectionAssert.AreEqual(new[] { "Ground Truth/1.tif", "Ground Truth/10.tif", "Ground Truth/2.tif" }.Select(r.PathOf).ToArray(),
            ds.Samples.Select(s => s.MaskPath).ToArray());
        Assert.AreEqual(0, ds.NormalCount);
        Assert.IsTrue(ds.Samples.All(s => s.Label && s.Class == "colon" && s.DefectType == "polyp"));
    }

    [TestMethod]
    public void ReadsImagesAndMasksFolders()
    {
        using var r = new DatasetReplica("CVC-ClinicDB");
        r.Image("images/1.png");
        r.Image("images/2.png");
        r.Mask("masks/1.png");
        r.Mask("masks/2.png");
        var ds = AnomalyDatasets.Read(DatasetKind.ClinicDb, r.Root);
        Assert.AreEqual(2, ds.AnomalousCount);
        Assert.AreEqual(r.PathOf("masks/2.png"), ds.Samples[1].MaskPath);
    }

    [TestMethod]
    public void CountMismatchIsAnError()
    {
        using var r = new DatasetReplica("CVC-ClinicDB");
        r.Image("images/1.png");
        r.Image("images/2.png");
        r.Image("images/3.png");
        r.Mask("masks/1.png");
        r.Mask("masks/2.png");
        var ex = Assert.ThrowsExactly<DatasetLayoutException>(() => AnomalyDatasets.Read(DatasetKind.ClinicDb, r.Root));
        Assert.AreEqual(r.PathOf("masks"), ex.LayoutPath);
        StringAssert.Contains(ex.Problem, "1 of the 3 images in images have no mask");
        StringAssert.Contains(ex.Problem, "holds 2 masks for 3 images");
    }

    [TestMethod]
    public void WrongRootListsTheFolderPairs()
    {
        using var r = new DatasetReplica("CVC-ClinicDB");
        r.Image("frames/1.png");
        var ex = Assert.ThrowsExactly<DatasetLayoutException>(() => AnomalyDatasets.Read(DatasetKind.ClinicDb, r.Root));
        StringAssert.Contains(ex.Problem, "images/ and masks/");
        StringAssert.Contains(ex.Problem, "Original/ and Ground Truth/");
    }
}
