using DaClip.MLNet.Data;
using DaClip.MLNet.Tests.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Reliability;

/// <summary>
/// Issue 9, case 13: <c>folder:</c> treated anomalib's <c>mask/</c> folder as a defect class (or silently dropped the
/// masks in <c>mask/&lt;defect&gt;/</c>). <c>mask/</c> is a mask folder now, like <c>ground_truth/</c> and <c>masks/</c>.
/// </summary>
[TestClass]
public class Case13FolderAnomalibMaskFolderTests
{
    [TestMethod]
    public void AnomalibMaskFolder_PairsMasksAndIsNotADefectClass()
    {
        using var r = new DatasetReplica("hazelnut_toy");
        r.Image("good/00.jpg");
        r.Image("good/01.jpg");
        r.Image("crack/01.jpg");
        r.Image("crack/02.jpg");
        r.Image("colour/03.jpg");
        r.Mask("mask/crack/01.png");
        r.Mask("mask/crack/02.png");
        r.Mask("mask/colour/03.png");

        var ds = AnomalyDatasets.Read(DatasetSpec.Parse("folder:" + r.Root));
        Assert.AreEqual(2, ds.NormalCount);
        Assert.AreEqual(3, ds.AnomalousCount);
        CollectionAssert.AreEquivalent(new[] { "good", "crack", "colour" }, ds.Samples.Select(s => s.DefectType).Distinct().ToArray());
        Assert.IsFalse(ds.Samples.Any(s => s.ImagePath.Contains($"{Path.DirectorySeparatorChar}mask{Path.DirectorySeparatorChar}", StringComparison.Ordinal)), "no mask is scored as an image");
        Assert.AreEqual(r.PathOf("mask/crack/02.png"), ds.Samples.Single(s => s.ImagePath == r.PathOf("crack/02.jpg")).MaskPath);
        Assert.AreEqual(r.PathOf("mask/colour/03.png"), ds.Samples.Single(s => s.DefectType == "colour").MaskPath);
    }

    [TestMethod]
    public void AnomalibMaskFolder_MissingMasksOfADefect_IsALayoutErrorNamingTheFolder()
    {
        using var r = new DatasetReplica("hazelnut_toy");
        r.Image("good/00.jpg");
        r.Image("crack/01.jpg");
        r.Image("colour/03.jpg");
        r.Mask("mask/crack/01.png");
        var e = Assert.ThrowsExactly<DatasetLayoutException>(() => AnomalyDatasets.Read(DatasetSpec.Parse("folder:" + r.Root)));
        Assert.AreEqual(r.PathOf("mask/colour"), e.LayoutPath);
    }
}
