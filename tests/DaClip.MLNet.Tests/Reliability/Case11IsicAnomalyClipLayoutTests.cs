using DaClip.MLNet.Data;
using DaClip.MLNet.Tests.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Reliability;

/// <summary>
/// Issue 9, case 11: ISIC in AnomalyCLIP's prepared layout (<c>ISBI/skin/test/ISBI2016_ISIC_Part1_Test_Data/*.jpg</c>,
/// masks in <c>ISBI/skin/ISBI2016_ISIC_Part1_Test_GroundTruth/*_Segmentation.png</c>) was rejected. It is read from the
/// <c>ISBI</c> folder and from its <c>skin</c> folder.
/// </summary>
[TestClass]
public class Case11IsicAnomalyClipLayoutTests
{
    [TestMethod]
    [DataRow("", DisplayName = "root ISBI/")]
    [DataRow("skin", DisplayName = "root ISBI/skin/")]
    public void AnomalyClipPreparedIsic_IsReadWithItsMasks(string rootBelowIsbi)
    {
        using var r = new DatasetReplica("ISBI");
        r.Image("skin/test/ISBI2016_ISIC_Part1_Test_Data/ISIC_0000003.jpg");
        r.Image("skin/test/ISBI2016_ISIC_Part1_Test_Data/ISIC_0000012.jpg");
        r.Mask("skin/ISBI2016_ISIC_Part1_Test_GroundTruth/ISIC_0000003_Segmentation.png");
        r.Mask("skin/ISBI2016_ISIC_Part1_Test_GroundTruth/ISIC_0000012_Segmentation.png");

        var root = rootBelowIsbi.Length == 0 ? r.Root : r.PathOf(rootBelowIsbi);
        var ds = AnomalyDatasets.Read(DatasetSpec.Parse("isic:" + root));
        Assert.AreEqual(2, ds.AnomalousCount);
        Assert.AreEqual(0, ds.NormalCount);
        Assert.AreEqual(r.PathOf("skin/test/ISBI2016_ISIC_Part1_Test_Data/ISIC_0000012.jpg"), ds.Samples[1].ImagePath);
        Assert.AreEqual(r.PathOf("skin/ISBI2016_ISIC_Part1_Test_GroundTruth/ISIC_0000012_Segmentation.png"), ds.Samples[1].MaskPath);
        Assert.AreEqual(r.PathOf("skin/ISBI2016_ISIC_Part1_Test_GroundTruth/ISIC_0000003_Segmentation.png"), ds.Samples[0].MaskPath);
        Assert.IsTrue(ds.Samples.All(s => s.Class == "skin" && s.DefectType == "lesion"));
    }
}
