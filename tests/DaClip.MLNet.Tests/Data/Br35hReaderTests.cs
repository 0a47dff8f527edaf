using DaClip.MLNet.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Data;

[TestClass]
public class Br35hReaderTests
{
    [TestMethod]
    public void ReadsNoAndYesAndIgnoresPred()
    {
        using var r = new DatasetReplica("Br35H");
        r.Image("no/no0.jpg");
        r.Image("no/no1.jpg");
        r.Image("yes/y0.jpg");
        r.Image("yes/y1.jpg");
        r.Image("yes/y2.jpg");
        r.Image("pred/pred0.jpg");

        var ds = AnomalyDatasets.Read(DatasetKind.Br35h, r.Root);
        Assert.AreEqual(2, ds.NormalCount);
        Assert.AreEqual(3, ds.AnomalousCount);
        Assert.IsFalse(ds.Samples.Any(s => s.ImagePath.Contains("pred", StringComparison.Ordinal)));
        Assert.AreEqual(r.PathOf("yes/y2.jpg"), ds.Samples[^1].ImagePath);
        Assert.IsTrue(ds.Samples.All(s => s.Class == "brain" && s.MaskPath is null));
    }

    [TestMethod]
    public void MissingYesFolderIsAWrongRoot()
    {
        using var r = new DatasetReplica("Br35H");
        r.Image("no/no0.jpg");
        var ex = Assert.ThrowsExactly<DatasetLayoutException>(() => AnomalyDatasets.Read(DatasetKind.Br35h, r.Root));
        Assert.AreEqual(r.Root, ex.LayoutPath);
        StringAssert.Contains(ex.Problem, "no/ and yes/");
    }
}
