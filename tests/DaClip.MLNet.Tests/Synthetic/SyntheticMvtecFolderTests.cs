using DaClip.MLNet.Training.Synthetic;
using DaClip.MLNet.Training.Synthetic.Defects;
using DaClip.MLNet.Training.Synthetic.Rendering;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using SkiaSharp;

namespace DaClip.MLNet.Tests.Synthetic;

[TestClass]
public class SyntheticMvtecFolderTests
{
    private string _parent = "";

    [TestInitialize]
    public void CreateParent()
    {
        _parent = Path.Combine(Path.GetTempPath(), "daclip-synthetic-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_parent);
    }

    [TestCleanup]
    public void RemoveParent()
    {
        if (Directory.Exists(_parent)) Directory.Delete(_parent, recursive: true);
    }

    private static SyntheticDefectOptions Small => new()
    {
        ImageSize = 32,
        TrainGoodPerClass = 2,
        TestGoodPerClass = 1,
        TestAnomalousPerClass = 3,
        Categories = [SyntheticCategory.Capsule, SyntheticCategory.Weave],
        Seed = 5,
    };

    [TestMethod]
    public void LayoutNamesAndFormatsMatchMvtecAd()
    {
        var root = Path.Combine(_parent, "data");
        var generator = new SyntheticDefectGenerator(Small);
        generator.WriteMvtecFolder(root);

        var expected = new[]
        {
            "capsule/train/good/000.png", "capsule/train/good/001.png", "capsule/test/good/000.png",
            "capsule/test/crack/000.png", "capsule/test/hole/000.png", "capsule/test/stain/000.png",
            "capsule/ground_truth/crack/000_mask.png", "capsule/ground_truth/hole/000_mask.png", "capsule/ground_truth/stain/000_mask.png",
            "weave/train/good/000.png", "weave/train/good/001.png", "weave/test/good/000.png",
            "weave/test/scratch/000.png", "weave/test/hole/000.png", "weave/test/stain/000.png",
            "weave/ground_truth/scratch/000_mask.png", "weave/ground_truth/hole/000_mask.png", "weave/ground_truth/stain/000_mask.png",
        };
        var actual = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/')).ToArray();
        CollectionAssert.AreEquivalent(expected, actual);
        CollectionAssert.AreEqual(new[] { "data" }, Directory.EnumerateFileSystemEntries(_parent).Select(Path.GetFileName).ToArray(), "no staging folder left");

        foreach (var image in generator.Images())
        {
            var png = File.ReadAllBytes(Path.Combine(root, image.RelativePath));
            Assert.AreEqual(8, png[24], "bit depth");
            Assert.AreEqual(2, png[25], $"{image.RelativePath}: PNG colour type 2 (RGB)");
            using var bitmap = SKBitmap.Decode(png);
            Assert.AreEqual(32, bitmap.Width);
            for (var i = 0; i < 32 * 32; i += 7)
            {
                var pixel = bitmap.GetPixel(i % 32, i / 32);
                Assert.AreEqual(image.Rgb[3 * i], pixel.Red, image.RelativePath);
                Assert.AreEqual(image.Rgb[3 * i + 1], pixel.Green, image.RelativePath);
                Assert.AreEqual(image.Rgb[3 * i + 2], pixel.Blue, image.RelativePath);
            }
            if (image.MaskRelativePath is null) continue;
            var mask = File.ReadAllBytes(Path.Combine(root, image.MaskRelativePath));
            Assert.AreEqual(0, mask[25], $"{image.MaskRelativePath}: PNG colour type 0 (grey)");
            using var maskBitmap = SKBitmap.Decode(mask);
            var ones = 0;
            for (var i = 0; i < 32 * 32; i++)
            {
                var value = maskBitmap.GetPixel(i % 32, i / 32).Red;
                Assert.IsTrue(value is 0 or 255);
                Assert.AreEqual(image.Mask[i], value, image.MaskRelativePath);
                if (value == 255) ones++;
            }
            Assert.IsGreaterThan(0, ones, image.MaskRelativePath);
        }
    }

    [TestMethod]
    public void ExistingFolderIsKeptUnlessOverwriteIsAsked()
    {
        var root = Path.Combine(_parent, "data");
        Directory.CreateDirectory(root);
        File.WriteAllText(Path.Combine(root, "keep.txt"), "user data");
        var generator = new SyntheticDefectGenerator(Small);

        var error = Assert.ThrowsExactly<DaClipException>(() => generator.WriteMvtecFolder(root));
        StringAssert.Contains(error.Message, "overwrite");
        Assert.IsTrue(File.Exists(Path.Combine(root, "keep.txt")));

        generator.WriteMvtecFolder(root, overwrite: true);
        Assert.IsFalse(File.Exists(Path.Combine(root, "keep.txt")));
        Assert.IsTrue(File.Exists(Path.Combine(root, "capsule/ground_truth/hole/000_mask.png")));
        Assert.HasCount(1, Directory.EnumerateFileSystemEntries(_parent));

        Directory.CreateDirectory(Path.Combine(_parent, "empty"));
        generator.WriteMvtecFolder(Path.Combine(_parent, "empty"));
        Assert.IsTrue(File.Exists(Path.Combine(_parent, "empty/weave/train/good/001.png")));
    }

    [TestMethod]
    public void FailureLeavesNoPartialOutput()
    {
        var root = Path.Combine(_parent, "data");
        var generator = new SyntheticDefectGenerator(Small);
        var entries = generator.Entries(SyntheticCategory.Capsule).ToArray();
        var error = Assert.ThrowsExactly<InvalidOperationException>(() => MvtecFolderWriter.Write(entries, e =>
            e.Defect == SyntheticDefectKind.Stain ? throw new InvalidOperationException("render failed") : generator.Render(e.Category, e.Subset, e.Defect, e.Index), root, overwrite: false));
        Assert.AreEqual("render failed", error.Message);
        Assert.IsFalse(Directory.Exists(root));
        Assert.HasCount(0, Directory.EnumerateFileSystemEntries(_parent));

        Directory.CreateDirectory(root);
        File.WriteAllText(Path.Combine(root, "old.txt"), "previous dataset");
        Assert.ThrowsExactly<InvalidOperationException>(() => MvtecFolderWriter.Write(entries, e =>
            e.Defect == SyntheticDefectKind.Stain ? throw new InvalidOperationException("render failed") : generator.Render(e.Category, e.Subset, e.Defect, e.Index), root, overwrite: true));
        Assert.IsTrue(File.Exists(Path.Combine(root, "old.txt")), "the old dataset survives a failed overwrite");
        Assert.HasCount(1, Directory.EnumerateFileSystemEntries(_parent));
    }

    [TestMethod]
    public void FilePathIsRejected()
    {
        var file = Path.Combine(_parent, "file.png");
        File.WriteAllText(file, "");
        StringAssert.Contains(Assert.ThrowsExactly<DaClipException>(() => new SyntheticDefectGenerator(Small).WriteMvtecFolder(file)).Message, file);
    }
}
