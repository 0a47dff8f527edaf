using DaClip.MLNet.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Data;

[TestClass]
public class MpddReaderTests
{
    [TestMethod]
    public void ReadsTheMvtecStyleLayout()
    {
        using var r = new DatasetReplica("MPDD");
        r.Image("bracket_black/train/good/000.png");
        r.Image("bracket_black/test/good/000.png");
        r.Image("bracket_black/test/hole/000.png");
        r.Mask("bracket_black/ground_truth/hole/000_mask.png");
        r.Image("tubes/test/good/000.png");
        r.Image("tubes/test/anomalous/000.png");
        r.Image("tubes/test/anomalous/001.png");
        r.Mask("tubes/ground_truth/anomalous/000_mask.png");
        r.Mask("tubes/ground_truth/anomalous/001_mask.png");

        var ds = AnomalyDatasets.Read(DatasetKind.Mpdd, r.Root);
        Assert.AreEqual(DatasetKind.Mpdd, ds.Kind);
        Assert.AreEqual(2, ds.NormalCount);
        Assert.AreEqual(3, ds.AnomalousCount);
        var tube = ds.Samples.Single(s => s.ImagePath == r.PathOf("tubes/test/anomalous/001.png"));
        Assert.AreEqual(r.PathOf("tubes/ground_truth/anomalous/001_mask.png"), tube.MaskPath);
        Assert.AreEqual("anomalous", tube.DefectType);
        Assert.AreEqual("tubes", tube.Class);
    }
}
