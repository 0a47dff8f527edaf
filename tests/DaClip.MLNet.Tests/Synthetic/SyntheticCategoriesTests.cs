using DaClip.MLNet.Training.Synthetic;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Synthetic;

[TestClass]
public class SyntheticCategoriesTests
{
    [TestMethod]
    public void FourTexturesAndFourObjectsWithDistinctNames()
    {
        Assert.HasCount(8, SyntheticCategories.All);
        Assert.AreEqual(4, SyntheticCategories.All.Count(c => c.IsTexture()));
        Assert.HasCount(8, SyntheticCategories.All.Select(c => c.FolderName()).Distinct());
        Assert.HasCount(8, SyntheticCategories.All.Select(c => c.PromptName()).Distinct());
        foreach (var c in SyntheticCategories.All)
        {
            Assert.AreEqual(c, SyntheticCategories.Parse(c.FolderName().ToUpperInvariant()));
            Assert.MatchesRegex("^[a-z_]+$", c.FolderName());
        }
    }

    [TestMethod]
    public void EveryKindIsUsedAndEveryCategoryHasSeveralKinds()
    {
        var used = SyntheticCategories.All.SelectMany(c => c.DefectKinds()).Distinct().ToArray();
        CollectionAssert.AreEquivalent(SyntheticDefectKinds.All.ToArray(), used);
        foreach (var c in SyntheticCategories.All)
        {
            Assert.IsGreaterThanOrEqualTo(4, c.DefectKinds().Count, c.ToString());
            Assert.HasCount(c.DefectKinds().Count, c.DefectKinds().Distinct());
        }
        Assert.IsFalse(SyntheticCategories.All.Where(c => c.IsTexture()).Any(c => c.DefectKinds().Contains(SyntheticDefectKind.MissingPiece)),
            "a texture has no edge to break a piece off");
        foreach (var k in SyntheticDefectKinds.All)
        {
            Assert.AreEqual(k, SyntheticDefectKinds.Parse(k.FolderName()));
            Assert.MatchesRegex("^[a-z_]+$", k.FolderName());
        }
        Assert.AreEqual("missing_piece", SyntheticDefectKind.MissingPiece.FolderName());
    }

    [TestMethod]
    public void UnknownNamesListTheValidOnes()
    {
        StringAssert.Contains(Assert.ThrowsExactly<DaClipException>(() => SyntheticCategories.Parse("bottle")).Message, "pcb");
        StringAssert.Contains(Assert.ThrowsExactly<DaClipException>(() => SyntheticDefectKinds.Parse("dent")).Message, "missing_piece");
    }
}
