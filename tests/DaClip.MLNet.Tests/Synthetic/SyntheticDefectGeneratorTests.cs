using DaClip.MLNet.Training.Synthetic;
using DaClip.MLNet.Training.Synthetic.Defects;
using DaClip.MLNet.Training.Synthetic.Rendering;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Synthetic;

[TestClass]
public class SyntheticDefectGeneratorTests
{
    private static readonly (SyntheticCategory Category, SyntheticDefectKind Kind)[] AllPairs =
        SyntheticCategories.All.SelectMany(c => c.DefectKinds().Select(k => (c, k))).ToArray();

    [TestMethod]
    public void SameSeedGivesByteIdenticalImagesMasksAndPngs()
    {
        var options = new SyntheticDefectOptions { ImageSize = 48, TrainGoodPerClass = 1, TestGoodPerClass = 1, TestAnomalousPerClass = 5, Seed = 11 };
        var first = new SyntheticDefectGenerator(options).Images().ToList();
        var second = new SyntheticDefectGenerator(options).Images().ToList();
        Assert.HasCount(first.Count, second);
        for (var i = 0; i < first.Count; i++)
        {
            Assert.AreEqual(first[i].RelativePath, second[i].RelativePath);
            Assert.AreEqual(first[i].Seed, second[i].Seed);
            CollectionAssert.AreEqual(first[i].Rgb, second[i].Rgb, first[i].RelativePath);
            CollectionAssert.AreEqual(first[i].Mask, second[i].Mask, first[i].RelativePath);
            CollectionAssert.AreEqual(first[i].EncodePng(), second[i].EncodePng(), first[i].RelativePath);
        }
    }

    [TestMethod]
    public void ImageSeedsAreFixedAndDistinct()
    {
        // The seed hash is part of the determinism contract; expected values computed independently (Python) from the
        // definition: h = SplitMix64Finalize(seed + golden); per value v: h = Finalize(h ^ (v + golden + (h << 6) + (h >> 2))).
        Assert.AreEqual(0x2A6A8F51A7CD5ACDUL, SyntheticDefectGenerator.ImageSeed(0, SyntheticCategory.Stripes, SyntheticSubset.Train, null, 0));
        Assert.AreEqual(0xABAF135AF4FAE2B3UL, SyntheticDefectGenerator.ImageSeed(-5, SyntheticCategory.Pcb, SyntheticSubset.Test, SyntheticDefectKind.Bent, 12));
        var seeds = new HashSet<ulong>();
        foreach (var c in SyntheticCategories.All)
        foreach (var s in new[] { SyntheticSubset.Train, SyntheticSubset.Test })
        foreach (var k in new SyntheticDefectKind?[] { null, SyntheticDefectKind.Scratch, SyntheticDefectKind.Bent })
        for (var i = 0; i < 50; i++)
            Assert.IsTrue(seeds.Add(SyntheticDefectGenerator.ImageSeed(3, c, s, k, i)));
    }

    [TestMethod]
    public void SplitMixAndXoshiroMatchTheirPublishedDefinitions()
    {
        // SplitMix64 from state 0: first output 0xE220A8397B1DCDAF (Steele, Lea and Flood's reference sequence).
        ulong state = 0;
        Assert.AreEqual(0xE220A8397B1DCDAFUL, SyntheticRandom.SplitMix(ref state));
        Assert.AreEqual(0x6E789E6AA1B965F4UL, SyntheticRandom.SplitMix(ref state));
        Assert.AreEqual(0x06C45D188009454FUL, SyntheticRandom.SplitMix(ref state));
        // xoshiro256** recomputed here from its definition on the SplitMix-seeded state.
        ulong s = 7;
        var st = new[] { SyntheticRandom.SplitMix(ref s), SyntheticRandom.SplitMix(ref s), SyntheticRandom.SplitMix(ref s), SyntheticRandom.SplitMix(ref s) };
        var rng = new SyntheticRandom(7);
        for (var n = 0; n < 5; n++)
        {
            var expected = ulong.RotateLeft(st[1] * 5, 7) * 9;
            var t = st[1] << 17;
            st[2] ^= st[0]; st[3] ^= st[1]; st[1] ^= st[2]; st[0] ^= st[3]; st[2] ^= t; st[3] = ulong.RotateLeft(st[3], 45);
            Assert.AreEqual(expected, rng.NextUInt64());
        }
    }

    [TestMethod]
    public void DifferentSeedsGiveDifferentImages()
    {
        var a = new SyntheticDefectGenerator(new SyntheticDefectOptions { ImageSize = 40, TrainGoodPerClass = 1, TestGoodPerClass = 0, TestAnomalousPerClass = 2, Seed = 1 }).Images().ToList();
        var b = new SyntheticDefectGenerator(new SyntheticDefectOptions { ImageSize = 40, TrainGoodPerClass = 1, TestGoodPerClass = 0, TestAnomalousPerClass = 2, Seed = 2 }).Images().ToList();
        Assert.HasCount(a.Count, b);
        for (var i = 0; i < a.Count; i++)
        {
            Assert.AreEqual(a[i].RelativePath, b[i].RelativePath);
            Assert.IsFalse(a[i].Rgb.SequenceEqual(b[i].Rgb), a[i].RelativePath);
        }
    }

    [TestMethod]
    public void NormalImagesVaryBeyondSensorNoise()
    {
        var generator = new SyntheticDefectGenerator(new SyntheticDefectOptions { ImageSize = 64 });
        foreach (var category in SyntheticCategories.All)
        {
            var images = Enumerable.Range(0, 4).Select(i => generator.Render(category, SyntheticSubset.Train, null, i)).ToArray();
            for (var i = 0; i < images.Length; i++)
            for (var j = i + 1; j < images.Length; j++)
            {
                var mad = images[i].Rgb.Zip(images[j].Rgb, (p, q) => Math.Abs(p - q)).Average();
                Assert.IsGreaterThan(4.0, mad, $"{category} train {i} vs {j}: mean abs difference {mad:F2} levels");
            }
        }
    }

    [TestMethod]
    public void MaskIsExactlyThePixelsTheDefectChanged()
    {
        var generator = new SyntheticDefectGenerator(new SyntheticDefectOptions { ImageSize = 64 });
        foreach (var (category, kind) in AllPairs)
        for (ulong seed = 100; seed < 103; seed++)
        {
            var clean = generator.RenderWithSeed(category, null, seed);
            var defective = generator.RenderWithSeed(category, kind, seed);
            var what = $"{category}/{kind} seed {seed}";
            Assert.IsTrue(clean.Mask.All(m => m == 0), what);
            int changed = 0, masked = 0, changedOutside = 0, maskedUnchanged = 0;
            for (var i = 0; i < clean.Mask.Length; i++)
            {
                Assert.IsTrue(defective.Mask[i] is 0 or 255, what);
                var differs = clean.Rgb[3 * i] != defective.Rgb[3 * i] || clean.Rgb[3 * i + 1] != defective.Rgb[3 * i + 1] || clean.Rgb[3 * i + 2] != defective.Rgb[3 * i + 2];
                var inMask = defective.Mask[i] == 255;
                if (differs) changed++;
                if (inMask) masked++;
                if (differs && !inMask) changedOutside++;
                if (inMask && !differs) maskedUnchanged++;
            }
            Assert.IsGreaterThan(0, masked, what);
            Assert.AreEqual(0, changedOutside, $"{what}: pixels changed outside the mask");
            if (IsPatternDistortion(category, kind))
                Assert.IsGreaterThanOrEqualTo(0.4 * masked, changed, $"{what}: {changed} of {masked} mask pixels changed");
            else
                Assert.AreEqual(0, maskedUnchanged, $"{what}: mask pixels left unchanged");
        }
    }

    [TestMethod]
    public void DefectsOnObjectsStayOnTheObject()
    {
        const int Size = 64;
        var generator = new SyntheticDefectGenerator(new SyntheticDefectOptions { ImageSize = Size });
        foreach (var (category, kind) in AllPairs.Where(p => !p.Category.IsTexture()))
        {
            if (category == SyntheticCategory.Screw && kind == SyntheticDefectKind.Bent) continue; // the bent tip leaves the straight outline
            for (ulong seed = 200; seed < 204; seed++)
            {
                var image = generator.RenderWithSeed(category, kind, seed);
                var scene = SyntheticCategories.CreateScene(category, new SyntheticRandom(seed), 1.0 / Size, antiAlias: true);
                for (var i = 0; i < image.Mask.Length; i++)
                {
                    if (image.Mask[i] == 0) continue;
                    var x = (i % Size + 0.5) / Size;
                    var y = (i / Size + 0.5) / Size;
                    Assert.IsLessThanOrEqualTo(1.5 / Size, scene.Distance(x, y), $"{category}/{kind} seed {seed}: mask pixel ({i % Size}, {i / Size}) is off the product");
                }
            }
        }
    }

    [TestMethod]
    public void MasksAreEmptyExactlyForGoodImages()
    {
        var generator = new SyntheticDefectGenerator(new SyntheticDefectOptions { ImageSize = 48, TrainGoodPerClass = 2, TestGoodPerClass = 2, TestAnomalousPerClass = 7 });
        var images = generator.Images().ToList();
        Assert.HasCount(8 * 11, images);
        foreach (var image in images)
        {
            Assert.AreEqual(image.IsAnomalous, image.MaskArea > 0, image.RelativePath);
            Assert.AreEqual(image.IsAnomalous, image.MaskRelativePath is not null, image.RelativePath);
            Assert.AreEqual(image.IsAnomalous, image.Defect is not null, image.RelativePath);
        }
        Assert.IsTrue(images.Where(i => i.Subset == SyntheticSubset.Train).All(i => !i.IsAnomalous));
    }

    [TestMethod]
    public void EveryCategoryAndDefectRendersAtSizes32To256()
    {
        foreach (var size in new[] { 32, 100, 256 })
        {
            var generator = new SyntheticDefectGenerator(new SyntheticDefectOptions { ImageSize = size });
            foreach (var (category, kind) in AllPairs)
            {
                var image = generator.Render(category, SyntheticSubset.Test, kind, size == 256 ? 0 : 3);
                var what = $"{category}/{kind} at {size}";
                Assert.AreEqual(size, image.Width, what);
                Assert.AreEqual(size, image.Height, what);
                Assert.HasCount(3 * size * size, image.Rgb, what);
                Assert.HasCount(size * size, image.Mask, what);
                Assert.IsGreaterThanOrEqualTo(3, image.MaskArea, what);
                Assert.IsLessThan(0.25 * size * size, image.MaskArea, what);
            }
        }
    }

    [TestMethod]
    public void AntiAliasingOffIsDeterministicAndHardEdged()
    {
        var hard = new SyntheticDefectOptions { ImageSize = 64, AntiAliasing = false };
        var a = new SyntheticDefectGenerator(hard).Render(SyntheticCategory.Capsule, SyntheticSubset.Test, SyntheticDefectKind.Hole, 0);
        var b = new SyntheticDefectGenerator(hard).Render(SyntheticCategory.Capsule, SyntheticSubset.Test, SyntheticDefectKind.Hole, 0);
        CollectionAssert.AreEqual(a.Rgb, b.Rgb);
        var soft = new SyntheticDefectGenerator(new SyntheticDefectOptions { ImageSize = 64 }).Render(SyntheticCategory.Capsule, SyntheticSubset.Test, SyntheticDefectKind.Hole, 0);
        Assert.IsFalse(a.Rgb.SequenceEqual(soft.Rgb));
        var scene = SyntheticCategories.CreateScene(SyntheticCategory.Capsule, new SyntheticRandom(1), 1.0 / 64, antiAlias: false);
        for (var i = 0; i < 64 * 64; i++)
        {
            scene.Surface((i % 64 + 0.5) / 64, (i / 64 + 0.5) / 64, out var coverage);
            Assert.IsTrue(coverage is 0.0 or 1.0);
        }
    }

    [TestMethod]
    public void OneSeedShowsTheSameProductAtEverySize()
    {
        var large = new SyntheticDefectGenerator(new SyntheticDefectOptions { ImageSize = 128 }).Render(SyntheticCategory.Nut, SyntheticSubset.Train, null, 5);
        var small = new SyntheticDefectGenerator(new SyntheticDefectOptions { ImageSize = 32 }).Render(SyntheticCategory.Nut, SyntheticSubset.Train, null, 5);
        var other = new SyntheticDefectGenerator(new SyntheticDefectOptions { ImageSize = 32 }).Render(SyntheticCategory.Nut, SyntheticSubset.Train, null, 6);
        var reduced = BoxDownsample(large.Rgb, 128, 4);
        var same = reduced.Zip(small.Rgb, (p, q) => Math.Abs(p - q)).Average();
        var different = reduced.Zip(other.Rgb, (p, q) => Math.Abs(p - q)).Average();
        Assert.IsLessThan(6.0, same, $"same seed at 128 px (box-reduced) vs 32 px: {same:F2} levels");
        Assert.IsGreaterThan(3.0 * same, different, $"another seed: {different:F2} levels vs {same:F2}");
    }

    [TestMethod]
    public void ChwAndFloatMaskFollowTheByteLayout()
    {
        var image = new SyntheticDefectGenerator(new SyntheticDefectOptions { ImageSize = 20 }).Render(SyntheticCategory.Wood, SyntheticSubset.Test, SyntheticDefectKind.Stain, 0);
        var chw = image.ToChw();
        var mask = image.MaskToFloats();
        Assert.HasCount(3 * 400, chw);
        for (var i = 0; i < 400; i++)
        {
            for (var c = 0; c < 3; c++) Assert.AreEqual(image.Rgb[3 * i + c] / 255f, chw[c * 400 + i]);
            Assert.AreEqual(image.Mask[i] == 255 ? 1f : 0f, mask[i]);
        }
    }

    [TestMethod]
    public void TestImagesSpreadAnomaliesOverTheCategorysKinds()
    {
        var generator = new SyntheticDefectGenerator(new SyntheticDefectOptions { ImageSize = 32, TrainGoodPerClass = 0, TestGoodPerClass = 2, TestAnomalousPerClass = 7 });
        var names = generator.TestImages(SyntheticCategory.Screw).Select(i => i.RelativePath).ToArray();
        CollectionAssert.AreEqual(new[]
        {
            "screw/test/good/000.png", "screw/test/good/001.png",
            "screw/test/scratch/000.png", "screw/test/scratch/001.png",
            "screw/test/missing_piece/000.png", "screw/test/missing_piece/001.png",
            "screw/test/contamination/000.png", "screw/test/contamination/001.png",
            "screw/test/bent/000.png",
        }, names);
    }

    [TestMethod]
    public void DefectKindsOptionFiltersEachCategory()
    {
        var generator = new SyntheticDefectGenerator(new SyntheticDefectOptions
        {
            Categories = [SyntheticCategory.Wood, SyntheticCategory.Capsule],
            DefectKinds = [SyntheticDefectKind.Crack, SyntheticDefectKind.Scratch],
        });
        CollectionAssert.AreEqual(new[] { SyntheticDefectKind.Scratch, SyntheticDefectKind.Crack }, generator.DefectKinds(SyntheticCategory.Wood).ToArray());
        CollectionAssert.AreEqual(new[] { SyntheticDefectKind.Crack }, generator.DefectKinds(SyntheticCategory.Capsule).ToArray());
        Assert.ThrowsExactly<DaClipException>(() => generator.DefectKinds(SyntheticCategory.Pcb));
    }

    [TestMethod]
    public void InvalidOptionsAndRequestsAreRejectedWithTheOptionNamed()
    {
        StringAssert.Contains(Assert.ThrowsExactly<DaClipException>(() => new SyntheticDefectGenerator(new SyntheticDefectOptions { ImageSize = 8 })).Message, "ImageSize");
        StringAssert.Contains(Assert.ThrowsExactly<DaClipException>(() => new SyntheticDefectGenerator(new SyntheticDefectOptions { TestGoodPerClass = -1 })).Message, "TestGoodPerClass");
        StringAssert.Contains(Assert.ThrowsExactly<DaClipException>(() => new SyntheticDefectGenerator(new SyntheticDefectOptions { Categories = [] })).Message, "Categories");
        StringAssert.Contains(Assert.ThrowsExactly<DaClipException>(() => new SyntheticDefectGenerator(new SyntheticDefectOptions { Categories = [SyntheticCategory.Nut, SyntheticCategory.Nut] })).Message, "twice");
        var noKinds = Assert.ThrowsExactly<DaClipException>(() => new SyntheticDefectGenerator(new SyntheticDefectOptions { Categories = [SyntheticCategory.Carpet], DefectKinds = [SyntheticDefectKind.Crack] }));
        StringAssert.Contains(noKinds.Message, "carpet");
        _ = new SyntheticDefectGenerator(new SyntheticDefectOptions { Categories = [SyntheticCategory.Carpet], DefectKinds = [SyntheticDefectKind.Crack], TestAnomalousPerClass = 0 });

        var generator = new SyntheticDefectGenerator();
        Assert.ThrowsExactly<DaClipException>(() => generator.Render(SyntheticCategory.Nut, SyntheticSubset.Train, SyntheticDefectKind.Scratch, 0));
        Assert.ThrowsExactly<DaClipException>(() => generator.Render(SyntheticCategory.Carpet, SyntheticSubset.Test, SyntheticDefectKind.Crack, 0));
        Assert.ThrowsExactly<DaClipException>(() => generator.Render(SyntheticCategory.Nut, SyntheticSubset.Test, null, -1));
    }

    [TestMethod]
    public void OptionsAreCopiedAtConstruction()
    {
        var options = new SyntheticDefectOptions { ImageSize = 40 };
        var generator = new SyntheticDefectGenerator(options);
        options.ImageSize = 90;
        Assert.AreEqual(40, generator.ImageSize);
        Assert.AreEqual(40, generator.Render(SyntheticCategory.Pcb, SyntheticSubset.Train, null, 0).Width);
    }

    private static bool IsPatternDistortion(SyntheticCategory category, SyntheticDefectKind kind) =>
        kind == SyntheticDefectKind.Bent && (category.IsTexture() || category == SyntheticCategory.Nut);

    private static byte[] BoxDownsample(byte[] rgb, int size, int factor)
    {
        var small = size / factor;
        var result = new byte[3 * small * small];
        for (var y = 0; y < small; y++)
        for (var x = 0; x < small; x++)
        for (var c = 0; c < 3; c++)
        {
            var sum = 0;
            for (var dy = 0; dy < factor; dy++)
            for (var dx = 0; dx < factor; dx++)
                sum += rgb[3 * ((y * factor + dy) * size + x * factor + dx) + c];
            result[3 * (y * small + x) + c] = (byte)Math.Round(sum / (double)(factor * factor));
        }
        return result;
    }
}
