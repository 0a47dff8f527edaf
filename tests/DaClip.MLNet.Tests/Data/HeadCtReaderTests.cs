using DaClip.MLNet.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Data;

[TestClass]
public class HeadCtReaderTests
{
    /// <summary>The Kaggle release: labels.csv with header "id, hemorrhage" (note the space) and head_ct/head_ct/NNN.png.</summary>
    private static DatasetReplica KaggleReplica()
    {
        var r = new DatasetReplica("head-ct-hemorrhage");
        r.Text("labels.csv", "id, hemorrhage\n0,1\n1,1\n2,0\n3,0\n4,0\n");
        for (int i = 0; i < 5; i++) r.Image($"head_ct/head_ct/{i:000}.png");
        return r;
    }

    [TestMethod]
    public void ReadsLabelsCsv()
    {
        using var r = KaggleReplica();
        var ds = AnomalyDatasets.Read(DatasetKind.HeadCt, r.Root);
        CollectionAssert.AreEqual(Enumerable.Range(0, 5).Select(i => r.PathOf($"head_ct/head_ct/{i:000}.png")).ToArray(),
            ds.Samples.Select(s => s.ImagePath).ToArray());
        CollectionAssert.AreEqual(new[] { true, true, false, false, false }, ds.Samples.Select(s => s.Label).ToArray());
        CollectionAssert.AreEqual(new[] { "hemorrhage", "hemorrhage", "normal", "normal", "normal" }, ds.Samples.Select(s => s.DefectType).ToArray());
        Assert.IsTrue(ds.Samples.All(s => s.Class == "brain" && s.MaskPath is null));
    }

    [TestMethod]
    public void MissingImageIsAnError()
    {
        using var r = KaggleReplica();
        r.Delete("head_ct/head_ct/003.png");
        var ex = Assert.ThrowsExactly<DatasetLayoutException>(() => AnomalyDatasets.Read(DatasetKind.HeadCt, r.Root));
        Assert.AreEqual(r.PathOf("head_ct/head_ct"), ex.LayoutPath);
        StringAssert.Contains(ex.Problem, "003.png");
        StringAssert.Contains(ex.Problem, "lists 5 ids, the folder holds 4 images");
    }

    [TestMethod]
    public void UnlabelledImageIsACountMismatch()
    {
        using var r = KaggleReplica();
        r.Image("head_ct/head_ct/005.png");
        var ex = Assert.ThrowsExactly<DatasetLayoutException>(() => AnomalyDatasets.Read(DatasetKind.HeadCt, r.Root));
        StringAssert.Contains(ex.Problem, "holds 6 images but labels.csv labels 5");
        StringAssert.Contains(ex.Problem, "005.png");
    }

    [TestMethod]
    public void ReadsThePreparedTestFolderLayout()
    {
        using var r = new DatasetReplica("HeadCT_anomaly_detection");
        r.Image("brain/test/good/000.png");
        r.Image("brain/test/good/001.png");
        r.Image("brain/test/defect/000.png");
        var ds = AnomalyDatasets.Read(DatasetKind.HeadCt, r.Root);
        Assert.AreEqual(2, ds.NormalCount);
        Assert.AreEqual(1, ds.AnomalousCount);
        var defect = ds.Samples.Single(s => s.Label);
        Assert.AreEqual(r.PathOf("brain/test/defect/000.png"), defect.ImagePath);
        Assert.IsNull(defect.MaskPath);
        Assert.AreEqual("defect", defect.DefectType);
    }
}
