using DaClip.MLNet;
using DaClip.MLNet.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Data;

[TestClass]
public class DatasetSpecTests
{
    [TestMethod]
    [DataRow("mvtec", DatasetKind.MvtecAd)]
    [DataRow("visa", DatasetKind.Visa)]
    [DataRow("mpdd", DatasetKind.Mpdd)]
    [DataRow("btad", DatasetKind.Btad)]
    [DataRow("dtd", DatasetKind.DtdSynthetic)]
    [DataRow("brainmri", DatasetKind.BrainMri)]
    [DataRow("headct", DatasetKind.HeadCt)]
    [DataRow("br35h", DatasetKind.Br35h)]
    [DataRow("clinicdb", DatasetKind.ClinicDb)]
    [DataRow("isic", DatasetKind.Isic)]
    [DataRow("meta", DatasetKind.MetaJson)]
    [DataRow("folder", DatasetKind.Folder)]
    public void ParsesEveryKind(string name, DatasetKind kind)
    {
        var spec = DatasetSpec.Parse($"{name}:/data/x");
        Assert.AreEqual(kind, spec.Kind);
        Assert.AreEqual("/data/x", spec.Root);
        Assert.AreEqual($"{name}:/data/x", spec.ToString());
        Assert.AreEqual(name, DatasetSpec.NameOf(kind));
        Assert.AreEqual(kind, DatasetSpec.ParseKind(name.ToUpperInvariant()));
    }

    [TestMethod]
    public void EveryKindHasANameAndAReader()
    {
        foreach (var kind in Enum.GetValues<DatasetKind>())
        {
            Assert.AreEqual(kind, DatasetSpec.ParseKind(DatasetSpec.NameOf(kind)));
            Assert.AreEqual(kind, AnomalyDatasets.ReaderFor(kind).Kind);
        }
        Assert.AreEqual(Enum.GetValues<DatasetKind>().Length, DatasetSpec.KindNames.Count);
    }

    [TestMethod]
    public void OnlyTheFirstColonSeparates()
    {
        var spec = DatasetSpec.Parse(@"VisA:C:\data\visa");
        Assert.AreEqual(DatasetKind.Visa, spec.Kind);
        Assert.AreEqual(@"C:\data\visa", spec.Root);
    }

    [TestMethod]
    public void ErrorsListTheValidKinds()
    {
        const string all = "mvtec, visa, mpdd, btad, dtd, brainmri, headct, br35h, clinicdb, isic, meta, folder";
        var ex = Assert.ThrowsExactly<DaClipException>(() => DatasetSpec.Parse("mvtecad:/data/mvtec"));
        StringAssert.Contains(ex.Message, "Unknown dataset kind 'mvtecad'");
        StringAssert.Contains(ex.Message, all);

        ex = Assert.ThrowsExactly<DaClipException>(() => DatasetSpec.Parse("/data/mvtec"));
        StringAssert.Contains(ex.Message, "<kind>:<root>");
        StringAssert.Contains(ex.Message, all);

        ex = Assert.ThrowsExactly<DaClipException>(() => DatasetSpec.Parse("mvtec: "));
        StringAssert.Contains(ex.Message, "names no folder");

        Assert.IsFalse(DatasetSpec.TryParse(null, out var spec, out var error));
        Assert.IsNull(spec);
        Assert.IsNotNull(error);
    }

    [TestMethod]
    public void ReadsThroughASpec()
    {
        using var r = new DatasetReplica("Br35H");
        r.Image("no/no0.jpg");
        r.Image("yes/y0.jpg");
        var ds = AnomalyDatasets.Read(DatasetSpec.Parse($"br35h:{r.Root}"));
        Assert.AreEqual(DatasetKind.Br35h, ds.Kind);
        Assert.AreEqual(2, ds.Samples.Count);
    }
}
