using DaClip.MLNet.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Data;

[TestClass]
public class BrainMriReaderTests
{
    /// <summary>The Kaggle archive's inner folder, with its mixed file names and extension cases.</summary>
    private static DatasetReplica Replica()
    {
        var r = new DatasetReplica("brain-mri-images-for-brain-tumor-detection");
        r.Image("brain_tumor_dataset/no/1 no.jpeg");
        r.Image("brain_tumor_dataset/no/N1.JPG");
        r.Image("brain_tumor_dataset/no/no 923.jpg");
        r.Image("brain_tumor_dataset/yes/Y1.jpg");
        r.Image("brain_tumor_dataset/yes/Y10.JPG");
        return r;
    }

    [TestMethod]
    public void ReadsNoAndYesFolders()
    {
        using var r = Replica();
        var ds = AnomalyDatasets.Read(DatasetKind.BrainMri, r.Root);
        CollectionAssert.AreEqual(
            new[] { "brain_tumor_dataset/no/1 no.jpeg", "brain_tumor_dataset/no/N1.JPG", "brain_tumor_dataset/no/no 923.jpg",
                    "brain_tumor_dataset/yes/Y1.jpg", "brain_tumor_dataset/yes/Y10.JPG" }.Select(r.PathOf).ToArray(),
            ds.Samples.Select(s => s.ImagePath).ToArray());
        CollectionAssert.AreEqual(new[] { false, false, false, true, true }, ds.Samples.Select(s => s.Label).ToArray());
        CollectionAssert.AreEqual(new[] { "no", "no", "no", "yes", "yes" }, ds.Samples.Select(s => s.DefectType).ToArray());
        Assert.IsTrue(ds.Samples.All(s => s.Class == "brain" && s.MaskPath is null));
    }

    [TestMethod]
    public void PrefersTheRootCopyWhenPresent()
    {
        using var r = Replica();
        r.Image("no/N1.JPG");
        r.Image("yes/Y1.jpg");
        var ds = AnomalyDatasets.Read(DatasetKind.BrainMri, r.Root);
        CollectionAssert.AreEqual(new[] { "no/N1.JPG", "yes/Y1.jpg" }.Select(r.PathOf).ToArray(), ds.Samples.Select(s => s.ImagePath).ToArray());
    }

    [TestMethod]
    public void HasNoTrainSplit()
    {
        using var r = Replica();
        var ex = Assert.ThrowsExactly<DatasetLayoutException>(() =>
            AnomalyDatasets.Read(DatasetKind.BrainMri, r.Root, new DatasetReadOptions { Split = DatasetSplit.Train }));
        StringAssert.Contains(ex.Problem, "only a test split");
    }

    [TestMethod]
    public void WrongRootListsTheExpectedFolders()
    {
        using var r = Replica();
        var ex = Assert.ThrowsExactly<DatasetLayoutException>(() => AnomalyDatasets.Read(DatasetKind.BrainMri, r.PathOf("brain_tumor_dataset/yes")));
        StringAssert.Contains(ex.Problem, "brain_tumor_dataset/no/ and brain_tumor_dataset/yes/");
    }
}
