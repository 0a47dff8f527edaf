using DaClip.MLNet.Tests.Infrastructure;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Reliability;

/// <summary>Issue 9, case 1: <c>predict --heatmaps</c> must never write an overlay onto an input image.</summary>
[TestClass]
public sealed class PredictHeatmapsOntoInputsTests
{
    [TestMethod]
    public void Heatmaps_into_the_folder_of_an_input_png_is_refused_and_the_image_is_kept()
    {
        using var dir = new TempDir("r1");
        var model = ReliabilityFiles.ModelZip(dir.File("m.zip"));
        var image = ReliabilityFiles.Png(dir.File(Path.Combine("photos", "000.png")));
        var before = File.ReadAllBytes(image);

        var (exit, _, err) = CliRunner.Run("predict", "--model", model, image, "--heatmaps", Path.GetDirectoryName(image)!);

        Assert.AreEqual(2, exit, err);
        StringAssert.Contains(err, "daclip predict: --heatmaps");
        StringAssert.Contains(err, image);
        CollectionAssert.AreEqual(before, File.ReadAllBytes(image), "the input image was overwritten");
    }

    [TestMethod]
    public void Heatmaps_into_the_parent_of_an_input_folder_is_refused()
    {
        using var dir = new TempDir("r1");
        var model = ReliabilityFiles.ModelZip(dir.File("m.zip"));
        var folder = dir.File("photos");
        var images = new[] { "000.png", "001.png" }.Select(n => ReliabilityFiles.Png(Path.Combine(folder, n))).ToArray();
        var before = images.Select(File.ReadAllBytes).ToArray();

        var (exit, _, err) = CliRunner.Run("predict", "--model", model, folder, "--heatmaps", dir.Path);

        Assert.AreEqual(2, exit, err);
        StringAssert.Contains(err, images[0]);
        for (int i = 0; i < images.Length; i++) CollectionAssert.AreEqual(before[i], File.ReadAllBytes(images[i]), images[i]);
    }

    [TestMethod]
    public void Heatmaps_through_a_link_to_the_input_folder_is_refused()
    {
        using var dir = new TempDir("r1");
        var model = ReliabilityFiles.ModelZip(dir.File("m.zip"));
        var folder = dir.File("photos");
        var image = ReliabilityFiles.Png(Path.Combine(folder, "000.png"));
        var link = dir.File("overlays");
        Directory.CreateSymbolicLink(link, folder);

        var (exit, _, err) = CliRunner.Run("predict", "--model", model, image, "--heatmaps", link);

        Assert.AreEqual(2, exit, err);
        StringAssert.Contains(err, $"resolve to {image}");
        Assert.AreEqual(1, Directory.GetFiles(folder).Length);
    }

    [TestMethod]
    public void Heatmaps_whose_overlays_would_land_in_an_input_folder_are_refused()
    {
        using var dir = new TempDir("r1");
        var model = ReliabilityFiles.ModelZip(dir.File("m.zip"));
        var folder = dir.File("photos");
        File.WriteAllBytes(Path.Combine(folder, "a.jpg"), File.ReadAllBytes(ReliabilityFiles.Png(Path.Combine(folder, "a.png"))));
        File.Delete(Path.Combine(folder, "a.png"));

        var (exit, _, err) = CliRunner.Run("predict", "--model", model, folder, "--heatmaps", dir.Path);

        Assert.AreEqual(2, exit, err);
        StringAssert.Contains(err, $"the overlay {Path.Combine(dir.Path, "photos", "a.png")} would be written inside the input folder {folder}");
        CollectionAssert.AreEqual(new[] { Path.Combine(folder, "a.jpg") }, Directory.GetFiles(folder));
    }

    [TestMethod]
    public void Heatmaps_elsewhere_are_written()
    {
        using var dir = new TempDir("r1");
        var model = ReliabilityFiles.ModelZip(dir.File("m.zip"));
        var image = ReliabilityFiles.Png(dir.File(Path.Combine("photos", "000.png")));

        var (exit, _, err) = CliRunner.Run("predict", "--model", model, image, "--heatmaps", dir.File("overlays"), "--json");

        Assert.AreEqual(0, exit, err);
        Assert.IsTrue(File.Exists(dir.File(Path.Combine("overlays", "000.png"))));
    }
}
