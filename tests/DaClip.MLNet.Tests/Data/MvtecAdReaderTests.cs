using DaClip.MLNet.Data;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Data;

[TestClass]
public class MvtecAdReaderTests
{
    /// <summary>Two classes in MVTec AD's layout, with the licence and readme files of the archive's root.</summary>
    private static DatasetReplica Replica()
    {
        var r = new DatasetReplica("mvtec_anomaly_detection");
        r.Text("license.txt", "CC BY-NC-SA 4.0");
        r.Text("readme.txt", "MVTec AD");
        r.Image("bottle/train/good/000.png");
        r.Image("bottle/train/good/001.png");
        r.Image("bottle/test/good/000.png");
        r.Image("bottle/test/broken_large/000.png");
        r.Image("bottle/test/broken_large/001.png");
        r.Mask("bottle/ground_truth/broken_large/000_mask.png");
        r.Mask("bottle/ground_truth/broken_large/001_mask.png");
        r.Image("bottle/test/contamination/000.png");
        r.Mask("bottle/ground_truth/contamination/000_mask.png");
        r.Image("metal_nut/train/good/000.png");
        r.Image("metal_nut/test/good/000.png");
        r.Image("metal_nut/test/good/001.png");
        r.Image("metal_nut/test/flip/000.png");
        r.Mask("metal_nut/ground_truth/flip/000_mask.png");
        return r;
    }

    [TestMethod]
    public void ReadsTestSplitWithMasks()
    {
        using var r = Replica();
        var ds = AnomalyDatasets.Read(DatasetKind.MvtecAd, r.Root);

        Assert.AreEqual(DatasetKind.MvtecAd, ds.Kind);
        Assert.AreEqual(r.Root, ds.Root);
        Assert.AreEqual(7, ds.Samples.Count);
        Assert.AreEqual(3, ds.NormalCount);
        Assert.AreEqual(4, ds.AnomalousCount);
        CollectionAssert.AreEqual(new[] { "bottle", "metal_nut" }, ds.Classes.ToArray());

        var expected = new (string Image, bool Label, string? Mask, string Defect)[]
        {
            ("bottle/test/broken_large/000.png", true, "bottle/ground_truth/broken_large/000_mask.png", "broken_large"),
            ("bottle/test/broken_large/001.png", true, "bottle/ground_truth/broken_large/001_mask.png", "broken_large"),
            ("bottle/test/contamination/000.png", true, "bottle/ground_truth/contamination/000_mask.png", "contamination"),
            ("bottle/test/good/000.png", false, null, "good"),
            ("metal_nut/test/flip/000.png", true, "metal_nut/ground_truth/flip/000_mask.png", "flip"),
            ("metal_nut/test/good/000.png", false, null, "good"),
            ("metal_nut/test/good/001.png", false, null, "good"),
        };
        for (int i = 0; i < expected.Length; i++)
        {
            var s = ds.Samples[i];
            Assert.AreEqual(r.PathOf(expected[i].Image), s.ImagePath, $"row {i}");
            Assert.AreEqual(expected[i].Image.Split('/')[0], s.Class, $"row {i}");
            Assert.AreEqual(expected[i].Label, s.Label, $"row {i}");
            Assert.AreEqual(expected[i].Mask is null ? null : r.PathOf(expected[i].Mask!), s.MaskPath, $"row {i}");
            Assert.AreEqual(expected[i].Defect, s.DefectType, $"row {i}");
            Assert.AreEqual(DatasetSplit.Test, s.Split, $"row {i}");
        }
    }

    [TestMethod]
    public void ReadsTrainSplit()
    {
        using var r = Replica();
        var ds = new MvtecAdReader().Read(r.Root, new DatasetReadOptions { Split = DatasetSplit.Train });
        CollectionAssert.AreEqual(
            new[] { "bottle/train/good/000.png", "bottle/train/good/001.png", "metal_nut/train/good/000.png" }.Select(r.PathOf).ToArray(),
            ds.Samples.Select(s => s.ImagePath).ToArray());
        Assert.IsTrue(ds.Samples.All(s => !s.Label && s.MaskPath is null && s.Split == DatasetSplit.Train));
    }

    [TestMethod]
    public void FiltersClassesAndRejectsUnknownOnes()
    {
        using var r = Replica();
        var ds = AnomalyDatasets.Read(DatasetKind.MvtecAd, r.Root, new DatasetReadOptions { Classes = ["METAL_NUT"] });
        Assert.AreEqual(3, ds.Samples.Count);
        Assert.IsTrue(ds.Samples.All(s => s.Class == "metal_nut"));

        var ex = Assert.ThrowsExactly<DatasetLayoutException>(() =>
            AnomalyDatasets.Read(DatasetKind.MvtecAd, r.Root, new DatasetReadOptions { Classes = ["screw"] }));
        StringAssert.Contains(ex.Message, "'screw'");
        StringAssert.Contains(ex.Message, "bottle, metal_nut");
    }

    [TestMethod]
    public void ReadsASingleClassFolder()
    {
        using var r = Replica();
        var ds = AnomalyDatasets.Read(DatasetKind.MvtecAd, r.PathOf("metal_nut"));
        Assert.AreEqual(3, ds.Samples.Count);
        Assert.AreEqual("metal_nut", ds.Samples[0].Class);
    }

    [TestMethod]
    public void WrongRootNamesThePathAndTheLayout()
    {
        using var r = Replica();
        var wrong = r.PathOf("bottle/test");
        var ex = Assert.ThrowsExactly<DatasetLayoutException>(() => AnomalyDatasets.Read(DatasetKind.MvtecAd, wrong));
        Assert.AreEqual(wrong, ex.LayoutPath);
        StringAssert.Contains(ex.Fix, "bottle/");

        var missing = r.PathOf("nope");
        ex = Assert.ThrowsExactly<DatasetLayoutException>(() => AnomalyDatasets.Read(DatasetKind.MvtecAd, missing));
        Assert.AreEqual(missing, ex.LayoutPath);
        StringAssert.Contains(ex.Problem, "does not exist");
    }

    [TestMethod]
    public void MissingMaskIsAnErrorUnlessMasksAreOptional()
    {
        using var r = Replica();
        r.Delete("bottle/ground_truth/broken_large/001_mask.png");
        var ex = Assert.ThrowsExactly<DatasetLayoutException>(() => AnomalyDatasets.Read(DatasetKind.MvtecAd, r.Root));
        Assert.AreEqual(r.PathOf("bottle/ground_truth/broken_large"), ex.LayoutPath);
        StringAssert.Contains(ex.Problem, "1 of the 2 images");
        StringAssert.Contains(ex.Problem, "001_mask.<ext>");
        StringAssert.Contains(ex.Fix, "RequireMasks");

        var lenient = AnomalyDatasets.Read(DatasetKind.MvtecAd, r.Root, new DatasetReadOptions { RequireMasks = false });
        var sample = lenient.Samples.Single(s => s.ImagePath == r.PathOf("bottle/test/broken_large/001.png"));
        Assert.IsTrue(sample.Label);
        Assert.IsNull(sample.MaskPath);
    }

    [TestMethod]
    public void StrayMaskIsACountMismatch()
    {
        using var r = Replica();
        r.Mask("bottle/ground_truth/contamination/001_mask.png");
        var ex = Assert.ThrowsExactly<DatasetLayoutException>(() => AnomalyDatasets.Read(DatasetKind.MvtecAd, r.Root));
        Assert.AreEqual(r.PathOf("bottle/ground_truth/contamination"), ex.LayoutPath);
        StringAssert.Contains(ex.Problem, "holds 2 masks but only 1 match");
        StringAssert.Contains(ex.Problem, "001_mask.png");
    }

    [TestMethod]
    public void MissingMaskFolderIsAnError()
    {
        using var r = Replica();
        Directory.Delete(r.PathOf("metal_nut/ground_truth"), recursive: true);
        var ex = Assert.ThrowsExactly<DatasetLayoutException>(() => AnomalyDatasets.Read(DatasetKind.MvtecAd, r.Root));
        Assert.AreEqual(r.PathOf("metal_nut/ground_truth/flip"), ex.LayoutPath);
        StringAssert.Contains(ex.Fix, "ground_truth/flip/");
    }

    [TestMethod]
    public void DataViewHasTheDocumentedColumns()
    {
        using var r = Replica();
        var ds = AnomalyDatasets.Read(DatasetKind.MvtecAd, r.Root);
        var ml = new MLContext(seed: 1);
        var view = ds.ToDataView(ml);

        CollectionAssert.AreEqual(new[] { "ImagePath", "Class", "Label", "MaskPath", "DefectType" }, view.Schema.Select(c => c.Name).ToArray());
        Assert.AreEqual(BooleanDataViewType.Instance, view.Schema["Label"].Type);
        foreach (var name in new[] { "ImagePath", "Class", "MaskPath", "DefectType" })
        {
            Assert.AreEqual(TextDataViewType.Instance, view.Schema[name].Type, name);
        }

        var rows = ml.Data.CreateEnumerable<AnomalyImageRow>(view, reuseRowObject: false).ToList();
        Assert.AreEqual(ds.Samples.Count, rows.Count);
        for (int i = 0; i < rows.Count; i++)
        {
            Assert.AreEqual(ds.Samples[i].ImagePath, rows[i].ImagePath);
            Assert.AreEqual(ds.Samples[i].Class, rows[i].Class);
            Assert.AreEqual(ds.Samples[i].Label, rows[i].Label);
            Assert.AreEqual(ds.Samples[i].MaskPath ?? "", rows[i].MaskPath);
            Assert.AreEqual(ds.Samples[i].DefectType, rows[i].DefectType);
        }
    }
}
