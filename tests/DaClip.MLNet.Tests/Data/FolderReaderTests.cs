using DaClip.MLNet.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Data;

[TestClass]
public class FolderReaderTests
{
    [TestMethod]
    public void ReadsGoodAndDefectFoldersWithMasks()
    {
        using var r = new DatasetReplica("washers");
        r.Image("good/a.png");
        r.Image("good/b.png");
        r.Image("scratch/c.png");
        r.Image("dent/d.jpg");
        r.Mask("ground_truth/scratch/c_mask.png");
        r.Mask("ground_truth/dent/d.png");

        var ds = AnomalyDatasets.Read(DatasetKind.Folder, r.Root);
        Assert.AreEqual(2, ds.NormalCount);
        Assert.AreEqual(2, ds.AnomalousCount);
        Assert.IsTrue(ds.Samples.All(s => s.Class == "washers"));
        Assert.AreEqual(r.PathOf("ground_truth/scratch/c_mask.png"), ds.Samples.Single(s => s.DefectType == "scratch").MaskPath);
        Assert.AreEqual(r.PathOf("ground_truth/dent/d.png"), ds.Samples.Single(s => s.DefectType == "dent").MaskPath);
    }

    [TestMethod]
    public void WithoutMaskFolderReadsLabelsOnly()
    {
        using var r = new DatasetReplica("washers");
        r.Image("good/a.png");
        r.Image("scratch/c.bmp");
        var ds = AnomalyDatasets.Read(DatasetKind.Folder, r.Root);
        Assert.IsNull(ds.Samples.Single(s => s.Label).MaskPath);
    }

    [TestMethod]
    public void DefectWithoutMasksBesideMaskedOnesIsAnError()
    {
        using var r = new DatasetReplica("washers");
        r.Image("good/a.png");
        r.Image("scratch/c.png");
        r.Image("dent/d.png");
        r.Mask("masks/scratch/c.png");
        var ex = Assert.ThrowsExactly<DatasetLayoutException>(() => AnomalyDatasets.Read(DatasetKind.Folder, r.Root));
        Assert.AreEqual(r.PathOf("masks/dent"), ex.LayoutPath);
    }

    [TestMethod]
    public void MissingGoodFolderIsAnError()
    {
        using var r = new DatasetReplica("washers");
        r.Image("scratch/c.png");
        var ex = Assert.ThrowsExactly<DatasetLayoutException>(() => AnomalyDatasets.Read(DatasetKind.Folder, r.Root));
        Assert.AreEqual(r.PathOf("good"), ex.LayoutPath);
    }
}
