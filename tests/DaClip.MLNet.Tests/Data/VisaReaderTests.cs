using DaClip.MLNet.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Data;

[TestClass]
public class VisaReaderTests
{
    private const string Header = "object,split,label,image,mask";

    /// <summary>VisA's layout: <c>&lt;class&gt;/Data/Images/{Normal,Anomaly}/*.JPG</c>, masks <c>&lt;class&gt;/Data/Masks/Anomaly/*.png</c>, <c>split_csv/1cls.csv</c>.</summary>
    private static DatasetReplica Replica(params string[] extraRows)
    {
        var r = new DatasetReplica("VisA_20220922");
        r.Image("candle/Data/Images/Normal/0000.JPG");
        r.Image("candle/Data/Images/Normal/0001.JPG");
        r.Image("candle/Data/Images/Normal/0002.JPG");
        r.Image("candle/Data/Images/Anomaly/000.JPG");
        r.Mask("candle/Data/Masks/Anomaly/000.png");
        r.Image("pcb1/Data/Images/Normal/0000.JPG");
        r.Image("pcb1/Data/Images/Anomaly/000.JPG");
        r.Image("pcb1/Data/Images/Anomaly/001.JPG");
        r.Mask("pcb1/Data/Masks/Anomaly/000.png");
        r.Mask("pcb1/Data/Masks/Anomaly/001.png");
        r.Text("candle/image_anno.csv", "image,label,mask\n");
        var rows = new List<string>
        {
            Header,
            "candle,train,normal,candle/Data/Images/Normal/0000.JPG,",
            "candle,train,normal,candle/Data/Images/Normal/0001.JPG,",
            "candle,test,normal,candle/Data/Images/Normal/0002.JPG,",
            "candle,test,anomaly,candle/Data/Images/Anomaly/000.JPG,candle/Data/Masks/Anomaly/000.png",
            "pcb1,test,normal,pcb1/Data/Images/Normal/0000.JPG,",
            "pcb1,test,anomaly,pcb1/Data/Images/Anomaly/000.JPG,pcb1/Data/Masks/Anomaly/000.png",
            "pcb1,test,anomaly,pcb1/Data/Images/Anomaly/001.JPG,pcb1/Data/Masks/Anomaly/001.png",
        };
        rows.AddRange(extraRows);
        r.Text("split_csv/1cls.csv", string.Join("\r\n", rows) + "\r\n");
        return r;
    }

    [TestMethod]
    public void ReadsTestRowsOfTheSplitFile()
    {
        using var r = Replica();
        var ds = AnomalyDatasets.Read(DatasetKind.Visa, r.Root);
        Assert.AreEqual(5, ds.Samples.Count);
        Assert.AreEqual(2, ds.NormalCount);
        Assert.AreEqual(3, ds.AnomalousCount);
        CollectionAssert.AreEqual(new[] { "candle", "pcb1" }, ds.Classes.ToArray());

        var anomaly = ds.Samples[0];
        Assert.AreEqual(r.PathOf("candle/Data/Images/Anomaly/000.JPG"), anomaly.ImagePath);
        Assert.AreEqual(r.PathOf("candle/Data/Masks/Anomaly/000.png"), anomaly.MaskPath);
        Assert.IsTrue(anomaly.Label);
        Assert.AreEqual("anomaly", anomaly.DefectType);
        var normal = ds.Samples[1];
        Assert.AreEqual(r.PathOf("candle/Data/Images/Normal/0002.JPG"), normal.ImagePath);
        Assert.IsNull(normal.MaskPath);
        Assert.AreEqual("normal", normal.DefectType);
    }

    [TestMethod]
    public void ReadsTrainRows()
    {
        using var r = Replica();
        var ds = AnomalyDatasets.Read(DatasetKind.Visa, r.Root, new DatasetReadOptions { Split = DatasetSplit.Train });
        CollectionAssert.AreEqual(
            new[] { "candle/Data/Images/Normal/0000.JPG", "candle/Data/Images/Normal/0001.JPG" }.Select(r.PathOf).ToArray(),
            ds.Samples.Select(s => s.ImagePath).ToArray());
    }

    [TestMethod]
    public void MissingSplitFileSaysWhereItBelongs()
    {
        using var r = Replica();
        r.Delete("split_csv/1cls.csv");
        var ex = Assert.ThrowsExactly<DatasetLayoutException>(() => AnomalyDatasets.Read(DatasetKind.Visa, r.Root));
        Assert.AreEqual(r.PathOf("split_csv/1cls.csv"), ex.LayoutPath);
    }

    [TestMethod]
    public void MissingMaskFileIsAnError()
    {
        using var r = Replica();
        r.Delete("pcb1/Data/Masks/Anomaly/001.png");
        var ex = Assert.ThrowsExactly<DatasetLayoutException>(() => AnomalyDatasets.Read(DatasetKind.Visa, r.Root));
        Assert.AreEqual(r.PathOf("pcb1/Data/Masks/Anomaly/001.png"), ex.LayoutPath);
        StringAssert.Contains(ex.Problem, "1 listed files are missing");

        var lenient = AnomalyDatasets.Read(DatasetKind.Visa, r.Root, new DatasetReadOptions { RequireMasks = false });
        Assert.IsNull(lenient.Samples.Single(s => s.ImagePath.EndsWith("001.JPG", StringComparison.Ordinal)).MaskPath);
    }

    [TestMethod]
    public void UnknownLabelNamesTheRecord()
    {
        using var r = Replica("pcb1,test,defect,pcb1/Data/Images/Anomaly/000.JPG,");
        var ex = Assert.ThrowsExactly<DatasetLayoutException>(() => AnomalyDatasets.Read(DatasetKind.Visa, r.Root));
        StringAssert.Contains(ex.Problem, "record 8");
        StringAssert.Contains(ex.Problem, "'defect'");
    }

    [TestMethod]
    public void MissingColumnIsNamed()
    {
        using var r = Replica();
        r.Text("split_csv/1cls.csv", "object,split,label,image\ncandle,test,normal,candle/Data/Images/Normal/0002.JPG\n");
        var ex = Assert.ThrowsExactly<DatasetLayoutException>(() => AnomalyDatasets.Read(DatasetKind.Visa, r.Root));
        StringAssert.Contains(ex.Problem, "no column 'mask'");
    }
}
