using DaClip.MLNet.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Data;

[TestClass]
public class MetaJsonReaderTests
{
    /// <summary>A meta.json as AnomalyCLIP's generate_dataset_json/mvtec.py writes it, plus a classification-only class (empty mask_path).</summary>
    private static DatasetReplica Replica(string? meta = null)
    {
        var r = new DatasetReplica("msd");
        r.Image("bottle/train/good/000.png");
        r.Image("bottle/test/good/000.png");
        r.Image("bottle/test/broken_large/000.png");
        r.Mask("bottle/ground_truth/broken_large/000_mask.png");
        r.Image("scan/test/yes/y0.jpg");
        r.Text("meta.json", meta ?? """
        {
            "train": {
                "bottle": [
                    {"img_path": "bottle/train/good/000.png", "mask_path": "", "cls_name": "bottle", "specie_name": "good", "anomaly": 0}
                ]
            },
            "test": {
                "bottle": [
                    {"img_path": "bottle/test/broken_large/000.png", "mask_path": "bottle/ground_truth/broken_large/000_mask.png", "cls_name": "bottle", "specie_name": "broken_large", "anomaly": 1},
                    {"img_path": "bottle/test/good/000.png", "mask_path": "", "cls_name": "bottle", "specie_name": "good", "anomaly": 0}
                ],
                "scan": [
                    {"img_path": "scan/test/yes/y0.jpg", "mask_path": "", "cls_name": "scan", "specie_name": "yes", "anomaly": 1}
                ]
            }
        }
        """);
        return r;
    }

    [TestMethod]
    public void ReadsTestEntries()
    {
        using var r = Replica();
        var ds = AnomalyDatasets.Read(DatasetKind.MetaJson, r.Root);
        Assert.AreEqual(3, ds.Samples.Count);
        Assert.AreEqual(1, ds.NormalCount);
        var broken = ds.Samples[0];
        Assert.AreEqual(r.PathOf("bottle/test/broken_large/000.png"), broken.ImagePath);
        Assert.AreEqual(r.PathOf("bottle/ground_truth/broken_large/000_mask.png"), broken.MaskPath);
        Assert.AreEqual("broken_large", broken.DefectType);
        var scan = ds.Samples[2];
        Assert.AreEqual("scan", scan.Class);
        Assert.IsTrue(scan.Label);
        Assert.IsNull(scan.MaskPath, "an anomalous image with an empty mask_path is read for image-level labels only");
    }

    [TestMethod]
    public void AcceptsTheJsonFileAsRootAndReadsTrain()
    {
        using var r = Replica();
        var ds = AnomalyDatasets.Read(DatasetKind.MetaJson, r.PathOf("meta.json"), new DatasetReadOptions { Split = DatasetSplit.Train });
        Assert.AreEqual(r.Root, ds.Root);
        Assert.AreEqual(r.PathOf("bottle/train/good/000.png"), ds.Samples.Single().ImagePath);
    }

    [TestMethod]
    public void FolderMaskPathMeansNoMask()
    {
        using var r = Replica("""{"test": {"scan": [{"img_path": "scan/test/yes/y0.jpg", "mask_path": "scan", "anomaly": true}]}}""");
        var s = AnomalyDatasets.Read(DatasetKind.MetaJson, r.Root).Samples.Single();
        Assert.IsNull(s.MaskPath);
        Assert.AreEqual("scan", s.Class, "the class key stands in for a missing cls_name");
        Assert.AreEqual("anomaly", s.DefectType);
    }

    [TestMethod]
    public void MissingImageIsNamed()
    {
        using var r = Replica();
        r.Delete("bottle/test/good/000.png");
        var ex = Assert.ThrowsExactly<DatasetLayoutException>(() => AnomalyDatasets.Read(DatasetKind.MetaJson, r.Root));
        Assert.AreEqual(r.PathOf("bottle/test/good/000.png"), ex.LayoutPath);
    }

    [TestMethod]
    public void BadRecordIsLocated()
    {
        using var r = Replica("""{"test": {"scan": [{"img_path": "scan/test/yes/y0.jpg", "anomaly": 2}]}}""");
        var ex = Assert.ThrowsExactly<DatasetLayoutException>(() => AnomalyDatasets.Read(DatasetKind.MetaJson, r.Root));
        StringAssert.Contains(ex.Problem, "\"test\".\"scan\"[0]");
        StringAssert.Contains(ex.Problem, "\"anomaly\"");
    }

    [TestMethod]
    public void MissingSplitAndBrokenJsonAreErrors()
    {
        using (var r = Replica("""{"train": {}}"""))
        {
            var ex = Assert.ThrowsExactly<DatasetLayoutException>(() => AnomalyDatasets.Read(DatasetKind.MetaJson, r.Root));
            StringAssert.Contains(ex.Problem, "no \"test\" object");
        }
        using (var r = Replica("{\"test\": "))
        {
            var ex = Assert.ThrowsExactly<DatasetLayoutException>(() => AnomalyDatasets.Read(DatasetKind.MetaJson, r.Root));
            StringAssert.Contains(ex.Problem, "not valid JSON");
        }
    }
}
