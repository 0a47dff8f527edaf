using DaClip.MLNet.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Data;

[TestClass]
public class DtdSyntheticReaderTests
{
    [TestMethod]
    public void ReadsGoodAndBadWithEitherMaskNaming()
    {
        using var r = new DatasetReplica("DTD-Synthetic");
        r.Image("Woven_001/train/good/000.png");
        r.Image("Woven_001/test/good/000.png");
        r.Image("Woven_001/test/bad/000.png");
        r.Image("Woven_001/test/bad/001.png");
        r.Mask("Woven_001/ground_truth/bad/000_mask.png");
        r.Mask("Woven_001/ground_truth/bad/001_mask.png");
        r.Image("Blotchy_099/test/good/000.png");
        r.Image("Blotchy_099/test/bad/000.png");
        r.Mask("Blotchy_099/ground_truth/bad/000.png");

        var ds = AnomalyDatasets.Read(DatasetKind.DtdSynthetic, r.Root);
        CollectionAssert.AreEqual(new[] { "Blotchy_099", "Woven_001" }, ds.Classes.ToArray());
        Assert.AreEqual(2, ds.NormalCount);
        Assert.AreEqual(3, ds.AnomalousCount);
        Assert.AreEqual(r.PathOf("Blotchy_099/ground_truth/bad/000.png"),
            ds.Samples.Single(s => s.ImagePath == r.PathOf("Blotchy_099/test/bad/000.png")).MaskPath);
        Assert.AreEqual(r.PathOf("Woven_001/ground_truth/bad/001_mask.png"),
            ds.Samples.Single(s => s.ImagePath == r.PathOf("Woven_001/test/bad/001.png")).MaskPath);
        Assert.IsTrue(ds.Samples.Where(s => s.Label).All(s => s.DefectType == "bad"));
    }
}
