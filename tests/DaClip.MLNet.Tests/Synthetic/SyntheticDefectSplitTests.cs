using DaClip.MLNet.Training.Synthetic;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Synthetic;

[TestClass]
public class SyntheticDefectSplitTests
{
    [TestMethod]
    public void DefaultSplitCoversEveryCategoryExactlyOnceAndMixesTexturesAndObjects()
    {
        var split = SyntheticDefectSplit.Default;
        var all = split.Auxiliary.Concat(split.HeldOut).ToArray();
        CollectionAssert.AreEquivalent(SyntheticCategories.All.ToArray(), all);
        Assert.HasCount(all.Length, all.Distinct());
        foreach (var set in new[] { split.Auxiliary, split.HeldOut })
        {
            Assert.IsTrue(set.Any(c => c.IsTexture()));
            Assert.IsTrue(set.Any(c => !c.IsTexture()));
        }
        CollectionAssert.AreEquivalent(SyntheticDefectKinds.All.ToArray(), split.Auxiliary.SelectMany(c => c.DefectKinds()).Distinct().ToArray());
    }

    [TestMethod]
    public void OptionsForEachSideKeepTheTemplateAndSetTheCategories()
    {
        var template = new SyntheticDefectOptions { ImageSize = 64, Seed = 9, TestAnomalousPerClass = 3 };
        var aux = SyntheticDefectSplit.Default.AuxiliaryOptions(template);
        var held = SyntheticDefectSplit.Default.HeldOutOptions(template);
        CollectionAssert.AreEqual(SyntheticDefectSplit.Default.Auxiliary.ToArray(), aux.Categories!.ToArray());
        CollectionAssert.AreEqual(SyntheticDefectSplit.Default.HeldOut.ToArray(), held.Categories!.ToArray());
        Assert.AreEqual(64, aux.ImageSize);
        Assert.AreEqual(9, held.Seed);
        Assert.IsNull(template.Categories);
        CollectionAssert.AreEqual(SyntheticDefectSplit.Default.HeldOut.ToArray(), new SyntheticDefectGenerator(held).Categories.ToArray());
    }

    [TestMethod]
    public void InvalidSplitsAreRejected()
    {
        Assert.ThrowsExactly<DaClipException>(() => new SyntheticDefectSplit([], [SyntheticCategory.Nut]));
        Assert.ThrowsExactly<DaClipException>(() => new SyntheticDefectSplit([SyntheticCategory.Nut], []));
        StringAssert.Contains(Assert.ThrowsExactly<DaClipException>(() => new SyntheticDefectSplit([SyntheticCategory.Nut, SyntheticCategory.Wood], [SyntheticCategory.Nut])).Message, "nut");
        Assert.ThrowsExactly<DaClipException>(() => new SyntheticDefectSplit([SyntheticCategory.Wood, SyntheticCategory.Wood], [SyntheticCategory.Nut]));
    }
}
