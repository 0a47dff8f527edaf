using System.Security.Cryptography;
using DaClip.MLNet.Training.Synthetic;
using DaClip.MLNet.Training.Synthetic.Corpus;
using DaClip.MLNet.Training.Synthetic.Defects;
using DaClip.MLNet.Training.Synthetic.Rendering;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Synthetic;

[TestClass]
public class CaptionCorpusTests
{
    private static readonly string[] DamageWords = ["damaged", "broken", "flaw", "flawed", "defect", "defective", "damage", "faulty", "anomalous", "anomaly"];

    private static readonly Lazy<CaptionedImage[]> Sample = new(() =>
        Enumerable.Range(0, 240).Select(i => new CaptionCorpus(seed: 7, imageSize: 48).Render(CorpusPartition.Pretrain, i)).ToArray());

    [TestMethod]
    public void CoversTwentyFourKindsAndEightDefectKinds()
    {
        Assert.IsGreaterThanOrEqualTo(24, CorpusKinds.All.Count);
        Assert.HasCount(CorpusKinds.All.Count, CorpusKinds.All.Select(k => k.Name).Distinct());
        foreach (var c in SyntheticCategories.All) Assert.AreEqual(c, CorpusKinds.Of(c).Category, "every defect-generator category is in the corpus");
        CollectionAssert.AreEquivalent(Enum.GetValues<CorpusDefectKind>(), CorpusKinds.All.SelectMany(k => k.DefectKinds).Distinct().ToArray());
        Assert.IsGreaterThanOrEqualTo(8, Enum.GetValues<CorpusDefectKind>().Length);
        Assert.IsGreaterThanOrEqualTo(8, CorpusKinds.All.Count(k => k.IsTexture));
        Assert.IsFalse(CorpusKinds.All.Where(k => k.IsTexture).Any(k => k.DefectKinds.Contains(CorpusDefectKind.MissingPiece)));
        Assert.AreEqual("washer", CorpusKinds.Parse("WASHER").Name);
        Assert.ThrowsExactly<DaClipException>(() => CorpusKinds.Parse("teapot"));
    }

    [TestMethod]
    public void CaptionsAreComposedFromTheGroundTruth()
    {
        var images = Sample.Value;
        Assert.IsGreaterThan(15, images.Select(i => i.Kind).Distinct().Count(), "240 draws cover most kinds");
        Assert.IsTrue(images.Any(i => i.Defect is null) && images.Any(i => i.Defect is not null));
        foreach (var img in images)
        {
            var words = Words(img.Caption);
            if (img.Defect is { } d)
            {
                Assert.IsTrue(img.Mask.Any(m => m != 0), "a defective image has a mask");
                bool namesDefect = words.Overlaps(DefectWords(d)) || words.Overlaps(DamageWords);
                Assert.IsTrue(namesDefect, img.Caption);
                foreach (var other in Enum.GetValues<CorpusDefectKind>().Where(k => k != d))
                    Assert.IsFalse(DefectWords(other).Except(DefectWords(d)).Any(w => words.Contains(w)), $"'{img.Caption}' names {other} but shows {d}");
            }
            else
            {
                Assert.IsTrue(img.Mask.All(m => m == 0));
                var affirmed = Affirmed(img.Caption);
                Assert.IsFalse(affirmed.Overlaps(DamageWords), img.Caption);
                Assert.IsFalse(Enum.GetValues<CorpusDefectKind>().Any(k => affirmed.Overlaps(DefectWords(k))), img.Caption);
            }
            bool namesKind = img.Kind.Nouns.Any(n => img.Caption.Contains(n, StringComparison.Ordinal)) || words.Overlaps(["object", "surface", "texture"]);
            Assert.IsTrue(namesKind, img.Caption);
            var colours = new[] { "red", "orange", "yellow", "green", "blue", "purple", "white", "black", "grey", "brown", "silver", "pink" };
            foreach (var c in colours.Where(c => words.Contains(c))) Assert.AreEqual(img.Colour, c, img.Caption);
        }
    }

    [TestMethod]
    public void PromptWordsOccurWithTheirNaturalMeaning()
    {
        var images = Sample.Value;
        var normal = images.Where(i => i.Defect is null).Select(i => Affirmed(i.Caption)).ToList();
        var anomalous = images.Where(i => i.Defect is not null).Select(i => Words(i.Caption)).ToList();
        Assert.IsTrue(normal.Any(w => w.Contains("object")) && anomalous.Any(w => w.Contains("object")), "'object' names the thing, defective or not");
        foreach (var w in new[] { "damaged", "broken", "flaw", "defect", "damage" })
        {
            Assert.IsTrue(anomalous.Any(c => c.Contains(w)), $"'{w}' occurs in captions of defective images");
            Assert.IsFalse(normal.Any(c => c.Contains(w)), $"'{w}' never describes a defect-free image");
        }
        Assert.IsTrue(normal.Any(c => c.Contains("flawless") || c.Contains("perfect")));
        Assert.IsFalse(images.Any(i => new[] { "without defect", "without damage", "without flaw", " with no " }.Any(n => i.Caption.Contains(n, StringComparison.Ordinal))),
            "independent images never negate a prompt word");
        Assert.IsTrue(images.Select(i => i.Caption).Distinct().Count() > images.Length / 2, "templates and synonyms vary");
    }

    [TestMethod]
    public void RenderingIsDeterministicAndRecaptioningKeepsTheGroundTruth()
    {
        var corpus = new CaptionCorpus(seed: 7, imageSize: 48);
        var a = corpus.Render(CorpusPartition.Pretrain, 17);
        var b = corpus.Render(CorpusPartition.Pretrain, 17);
        CollectionAssert.AreEqual(a.Rgb, b.Rgb);
        Assert.AreEqual(a.Caption, b.Caption);
        Assert.AreEqual(a.Caption, CaptionCorpus.Recaption(a, 0));
        var variants = Enumerable.Range(1, 12).Select(v => CaptionCorpus.Recaption(a, v)).ToList();
        Assert.IsGreaterThan(3, variants.Distinct().Count());
        Assert.AreEqual(variants[4], CaptionCorpus.Recaption(b, 5));
        Assert.ThrowsExactly<DaClipException>(() => corpus.Render(CorpusPartition.Pretrain, -1));
        Assert.ThrowsExactly<DaClipException>(() => new CaptionCorpus(1, 16));
    }

    [TestMethod]
    public void PretrainingValidationAndDefectDatasetsNeverShareAnInstance()
    {
        // The shipped mini's corpus (seed 2026) against the data DA-CLIP trains and tests on: the quick start and the
        // benchmarks (seeds 1..5, held-out seed + 1000), by image seed and by pixels.
        var corpus = new CaptionCorpus(seed: 2026, imageSize: 64);
        var pretrain = Enumerable.Range(0, 5000).Select(i => corpus.ImageSeed(CorpusPartition.Pretrain, i)).ToHashSet();
        var validation = Enumerable.Range(0, 1000).Select(i => corpus.ImageSeed(CorpusPartition.Validation, i)).ToList();
        Assert.IsFalse(validation.Any(pretrain.Contains), "validation pairs are never trained on");
        var defectSeeds = new HashSet<ulong>();
        foreach (var seed in Enumerable.Range(1, 5).SelectMany(s => new[] { s, s + 1000 }))
            foreach (var c in SyntheticCategories.All)
                foreach (var subset in new[] { SyntheticSubset.Train, SyntheticSubset.Test })
                    foreach (SyntheticDefectKind? k in c.DefectKinds().Cast<SyntheticDefectKind?>().Append(null))
                        for (int i = 0; i < 64; i++)
                            if (subset == SyntheticSubset.Test || k is null)
                                defectSeeds.Add(SyntheticDefectGenerator.ImageSeed(seed, c, subset, k, i));
        Assert.IsFalse(pretrain.Overlaps(defectSeeds) || validation.Any(defectSeeds.Contains));

        var corpusPixels = Enumerable.Range(0, 120).Select(i => corpus.Render(CorpusPartition.Pretrain, i))
            .Where(i => i.Kind.Category is not null).Select(i => Convert.ToHexString(SHA256.HashData(i.Rgb))).ToHashSet();
        Assert.IsGreaterThan(10, corpusPixels.Count);
        var heldOut = new SyntheticDefectGenerator(SyntheticDefectSplit.Default.HeldOutOptions(new SyntheticDefectOptions { ImageSize = 64, Seed = 1001, TrainGoodPerClass = 0, TestGoodPerClass = 4, TestAnomalousPerClass = 8 }));
        foreach (var img in heldOut.Images()) Assert.IsFalse(corpusPixels.Contains(Convert.ToHexString(SHA256.HashData(img.Rgb))));
    }

    [TestMethod]
    public void PairedNegativesShowOneSceneFlawlessAndDefective()
    {
        var corpus = new CaptionCorpus(seed: 7, imageSize: 48) { PairedNegatives = true };
        int minChanged = (int)Math.Ceiling(CaptionCorpus.MinPairedDefectShare * 48 * 48);
        int differentCaptions = 0;
        for (int k = 0; k < 24; k++)
        {
            var good = corpus.Render(CorpusPartition.Validation, 2 * k);
            var bad = corpus.Render(CorpusPartition.Validation, 2 * k + 1);
            Assert.IsNull(good.Defect);
            Assert.IsNotNull(bad.Defect);
            Assert.AreEqual(good.Kind, bad.Kind);
            Assert.AreEqual(good.Colour, bad.Colour);
            Assert.AreEqual(good.Seed, bad.Seed, "one scene seed");
            Assert.IsTrue(good.Mask.All(m => m == 0));
            int changed = bad.Mask.Count(m => m != 0);
            Assert.IsGreaterThanOrEqualTo(minChanged, changed, $"pair {k}: a paired defect is visible");
            for (int i = 0; i < good.Mask.Length; i++)
                if (bad.Mask[i] == 0)
                    for (int c = 0; c < 3; c++) Assert.AreEqual(good.Rgb[3 * i + c], bad.Rgb[3 * i + c], $"pair {k}: outside the defect the two images are identical");
            var g = Words(good.Caption);
            var b = Words(bad.Caption);
            if (!g.SetEquals(b)) differentCaptions++;
            Assert.IsFalse(Affirmed(good.Caption).Overlaps(DamageWords), good.Caption);
            Assert.IsTrue(b.Overlaps(DamageWords) || b.Overlaps(DefectWords(bad.Defect!.Value)), bad.Caption);
        }
        Assert.AreEqual(24, differentCaptions, "the two captions of a pair always differ");
        var images = Enumerable.Range(0, 240).Select(i => corpus.Render(CorpusPartition.Pretrain, i)).ToArray();
        Assert.HasCount(120, images.Where(i => i.Defect is null));
        var negated = images.Where(i => i.Defect is null).Select(i => i.Caption).Where(c => c.Contains(" without ", StringComparison.Ordinal) || c.Contains(" with no ", StringComparison.Ordinal)).ToList();
        Assert.IsGreaterThan(5, negated.Count, "WinCLIP's 'without defect' has a meaning: defect-free images are captioned with negations");
        Assert.IsTrue(negated.Any(c => c.Contains("without defect", StringComparison.Ordinal) || c.Contains("without damage", StringComparison.Ordinal) || c.Contains("without flaw", StringComparison.Ordinal)));
        Assert.IsFalse(images.Where(i => i.Defect is not null).Any(i => i.Caption.Contains(" without ", StringComparison.Ordinal) || i.Caption.Contains(" with no ", StringComparison.Ordinal)));
    }

    /// <summary>The caption's words outside a negation ("without defect", "with no damage" leave out "defect"/"damage").</summary>
    private static HashSet<string> Affirmed(string caption)
    {
        var words = caption.Split([' ', '.', ',', ':'], StringSplitOptions.RemoveEmptyEntries);
        var kept = new HashSet<string>(StringComparer.Ordinal);
        bool negated = false;
        for (int i = 0; i < words.Length; i++)
        {
            if (words[i] == "without" || (words[i] == "no" && i > 0 && words[i - 1] == "with")) negated = true;
            else if (!negated) kept.Add(words[i]);
        }
        return kept;
    }

    private static HashSet<string> Words(string caption) =>
        caption.Split([' ', '.', ',', ':'], StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);

    private static string[] DefectWords(CorpusDefectKind kind) => kind switch
    {
        CorpusDefectKind.Scratch => ["scratch", "scratched", "scrape"],
        CorpusDefectKind.Crack => ["crack", "cracked", "fracture"],
        CorpusDefectKind.Hole => ["hole", "puncture", "punctured", "holed"],
        CorpusDefectKind.Stain => ["stain", "stained", "spot", "spotted", "discoloration"],
        CorpusDefectKind.MissingPiece => ["missing", "chipped", "incomplete"],
        CorpusDefectKind.Contamination => ["contamination", "contaminated", "dirt", "dirty", "debris"],
        CorpusDefectKind.Bent => ["bent", "deformed", "dented", "deformation", "dent"],
        CorpusDefectKind.Cut => ["cut", "slit"],
        _ => [],
    };
}
