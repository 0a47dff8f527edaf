using DaClip.MLNet.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Data;

[TestClass]
public class IsicReaderTests
{
    [TestMethod]
    public void ReadsIsic2016PartOneTest()
    {
        using var r = new DatasetReplica("ISIC2016");
        r.Image("ISBI2016_ISIC_Part1_Test_Data/ISIC_0000003.jpg");
        r.Image("ISBI2016_ISIC_Part1_Test_Data/ISIC_0000012.jpg");
        r.Mask("ISBI2016_ISIC_Part1_Test_GroundTruth/ISIC_0000003_Segmentation.png");
        r.Mask("ISBI2016_ISIC_Part1_Test_GroundTruth/ISIC_0000012_Segmentation.png");

        var ds = AnomalyDatasets.Read(DatasetKind.Isic, r.Root);
        Assert.AreEqual(2, ds.AnomalousCount);
        Assert.AreEqual(0, ds.NormalCount);
        Assert.AreEqual(r.PathOf("ISBI2016_ISIC_Part1_Test_Data/ISIC_0000012.jpg"), ds.Samples[1].ImagePath);
        Assert.AreEqual(r.PathOf("ISBI2016_ISIC_Part1_Test_GroundTruth/ISIC_0000012_Segmentation.png"), ds.Samples[1].MaskPath);
        Assert.IsTrue(ds.Samples.All(s => s.Class == "skin" && s.DefectType == "lesion"));
    }

    [TestMethod]
    public void ReadsIsic2018TaskOneTestAndSkipsLicenceFiles()
    {
        using var r = new DatasetReplica("ISIC2018");
        r.Image("ISIC2018_Task1-2_Test_Input/ISIC_0012236.jpg");
        r.Text("ISIC2018_Task1-2_Test_Input/ATTRIBUTION.txt", "attribution");
        r.Text("ISIC2018_Task1-2_Test_Input/LICENSE.txt", "licence");
        r.Mask("ISIC2018_Task1_Test_GroundTruth/ISIC_0012236_segmentation.png");
        r.Text("ISIC2018_Task1_Test_GroundTruth/LICENSE.txt", "licence");

        var ds = AnomalyDatasets.Read(DatasetKind.Isic, r.Root);
        Assert.AreEqual(1, ds.Samples.Count);
        Assert.AreEqual(r.PathOf("ISIC2018_Task1_Test_GroundTruth/ISIC_0012236_segmentation.png"), ds.Samples[0].MaskPath);
    }

    [TestMethod]
    public void MissingMaskIsAnError()
    {
        using var r = new DatasetReplica("ISIC2016");
        r.Image("ISBI2016_ISIC_Part1_Test_Data/ISIC_0000003.jpg");
        r.Image("ISBI2016_ISIC_Part1_Test_Data/ISIC_0000012.jpg");
        r.Mask("ISBI2016_ISIC_Part1_Test_GroundTruth/ISIC_0000003_Segmentation.png");
        var ex = Assert.ThrowsExactly<DatasetLayoutException>(() => AnomalyDatasets.Read(DatasetKind.Isic, r.Root));
        Assert.AreEqual(r.PathOf("ISBI2016_ISIC_Part1_Test_GroundTruth"), ex.LayoutPath);
        StringAssert.Contains(ex.Problem, "ISIC_0000012_segmentation.<ext>");
    }
}
