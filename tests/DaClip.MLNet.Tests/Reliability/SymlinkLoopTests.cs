using DaClip.MLNet.Data;
using DaClip.MLNet.Tests.Infrastructure;
using DaClip.MLNet.Tests.Samples;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Reliability;

/// <summary>
/// Issue 9, case 3: folder links that loop must not hang <c>predict</c> (it ran in a child process with a time limit,
/// since the unfixed search never ends), and no file is scored twice.
/// </summary>
[TestClass]
public sealed class SymlinkLoopTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    [TestMethod]
    public void Two_links_to_the_folder_itself_score_its_one_image_once()
    {
        using var dir = new TempDir("r3");
        var model = ReliabilityFiles.ModelZip(dir.File("m.zip"));
        var folder = dir.File("photos");
        ReliabilityFiles.Png(Path.Combine(folder, "a.png"));
        Directory.CreateSymbolicLink(Path.Combine(folder, "s1"), ".");
        Directory.CreateSymbolicLink(Path.Combine(folder, "s2"), ".");

        var run = ChildProcess.Run(ChildProcess.Dotnet, ["exec", Path.Combine(AppContext.BaseDirectory, "daclip.dll"), "predict", "--model", model, folder, "--json"],
            null, null, Limit);

        Assert.IsFalse(run.TimedOut, run.ToString());
        Assert.AreEqual(0, run.ExitCode, run.ToString());
        var lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.AreEqual(1, lines.Length, run.ToString());
        StringAssert.Contains(lines[0], Path.Combine(folder, "a.png"));
    }

    [TestMethod]
    public void Follow_links_searches_each_real_folder_once_and_a_file_link_is_scored_once()
    {
        using var dir = new TempDir("r3");
        var model = ReliabilityFiles.ModelZip(dir.File("m.zip"));
        var folder = dir.File("photos");
        ReliabilityFiles.Png(Path.Combine(folder, "a.png"));
        ReliabilityFiles.Png(dir.File(Path.Combine("elsewhere", "b.png")));
        File.CreateSymbolicLink(Path.Combine(folder, "a-again.png"), "a.png");
        Directory.CreateSymbolicLink(Path.Combine(folder, "loop"), ".");
        Directory.CreateSymbolicLink(Path.Combine(folder, "more"), dir.File("elsewhere"));

        var (exitDefault, plain, errDefault) = CliRunner.Run("predict", "--model", model, folder, "--json");
        var (exitFollow, followed, errFollow) = CliRunner.Run("predict", "--model", model, folder, "--json", "--follow-links");

        Assert.AreEqual(0, exitDefault, errDefault);
        Assert.AreEqual(1, plain.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length, plain);
        Assert.AreEqual(0, exitFollow, errFollow);
        var lines = followed.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.AreEqual(2, lines.Length, followed);
        StringAssert.Contains(lines[1], Path.Combine(folder, "more", "b.png"));
    }

    [TestMethod]
    public void A_dataset_image_reached_through_a_file_link_is_read_once()
    {
        using var dir = new TempDir("r3");
        var root = dir.File("part");
        ReliabilityFiles.Png(Path.Combine(root, "good", "a.png"));
        File.CreateSymbolicLink(Path.Combine(root, "good", "b.png"), "a.png");
        ReliabilityFiles.Png(Path.Combine(root, "scratch", "c.png"), 200);
        Directory.CreateSymbolicLink(Path.Combine(root, "loop"), ".");

        var ds = AnomalyDatasets.Read(DatasetSpec.Parse("folder:" + root));

        CollectionAssert.AreEqual(new[] { Path.Combine(root, "good", "a.png"), Path.Combine(root, "scratch", "c.png") }, ds.Samples.Select(s => s.ImagePath).ToArray());
    }
}
