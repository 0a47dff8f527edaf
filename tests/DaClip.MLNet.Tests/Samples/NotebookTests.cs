using System.Text.Json;
using DaClip.MLNet.Tests.Infrastructure;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Samples;

/// <summary>
/// Runs samples/notebooks/daclip-quickstart.ipynb headless against the packages, as a user runs it, and fails on any
/// cell error.
/// <list type="number">
/// <item>Packs the packages into the run's temporary feed (<see cref="Packaging.PackedFeed"/>) and copies the notebook
/// into a temporary folder with its <c>#i "nuget: ../../artifacts/packages"</c> line pointing at that feed and its
/// floating <c>*-*</c> versions pinned to the run's version, so that no other copy of the packages is used.</item>
/// <item>Restores dotnet-repl, pinned in .config/dotnet-tools.json. When it cannot be restored (offline, empty NuGet
/// cache) the test is Inconclusive, and fails under CI (<c>CI=true</c>).</item>
/// <item>Runs <c>dotnet tool run dotnet-repl -- --run daclip-quickstart.ipynb --exit-after-run --output-format ipynb</c>
/// in that folder and reads the executed notebook: no cell may have an error output, and the display formatters must
/// have rendered the metrics table and the heatmap overlays as HTML.</item>
/// </list>
/// </summary>
[TestClass]
public sealed class NotebookTests
{
    private static readonly TimeSpan NotebookTimeout = TimeSpan.FromMinutes(8);

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void QuickStartNotebook_FromThePackages_RunsEveryCellAndRendersTheTableAndOverlays()
    {
        string root = Fixtures.RepoRoot;
        string source = Path.Combine(root, "samples", "notebooks", "daclip-quickstart.ipynb");
        string feed = Packaging.PackedFeed.Folder;

        var restore = ChildProcess.Run(ChildProcess.Dotnet, ["tool", "restore"], root, null, TimeSpan.FromMinutes(3));
        if (restore.ExitCode != 0)
        {
            string reason = "dotnet-repl (.config/dotnet-tools.json) could not be restored, so the notebook cannot run:\n" + restore;
            Assert.Fail(reason);
        }

        using var dir = new TempDir("notebook");
        string text = File.ReadAllText(source);
        const string feedLine = "#i \\\"nuget: ../../artifacts/packages\\\"";
        const string floating = ", *-*\\\"";
        StringAssert.Contains(text, feedLine, "the notebook adds the local feed");
        StringAssert.Contains(text, floating, "the notebook takes the newest DaClip package in the feed");
        text = text.Replace(feedLine, "#i \\\"nuget: " + feed + "\\\"", StringComparison.Ordinal)
            .Replace(floating, ", " + Packaging.PackedFeed.Version + "\\\"", StringComparison.Ordinal);
        string notebook = dir.File("daclip-quickstart.ipynb");
        File.WriteAllText(notebook, text);
        Packaging.PackedFeed.WriteNuGetConfig(dir.Path);

        string executed = dir.File("executed.ipynb");
        var run = ChildProcess.Run(ChildProcess.Dotnet,
            ["tool", "run", "dotnet-repl", "--", "--run", notebook, "--exit-after-run", "--output-format", "ipynb", "--output-path", executed],
            root, new Dictionary<string, string?> { ["DACLIP_NOTEBOOK_OUTPUT"] = dir.File("output") }, NotebookTimeout);
        TestContext.WriteLine(run.ToString());

        Assert.IsFalse(run.TimedOut, $"The notebook did not finish within {NotebookTimeout}:\n{run}");
        Assert.IsTrue(File.Exists(executed), "dotnet-repl wrote no executed notebook:\n" + run);
        using var document = JsonDocument.Parse(File.ReadAllText(executed));
        var cells = document.RootElement.GetProperty("cells").EnumerateArray().ToList();
        Assert.AreEqual(CellCount(notebook), cells.Count, "every cell is in the executed notebook");
        var errors = cells.SelectMany(Outputs).Where(o => o.GetProperty("output_type").GetString() == "error")
            .Select(o => o.GetRawText()).ToList();
        if (errors.Count > 0) Assert.Fail("Notebook cells failed:\n" + string.Join("\n\n", errors));
        Assert.AreEqual(0, run.ExitCode, "dotnet-repl reported a failure:\n" + run);

        string html = string.Join("\n", cells.SelectMany(Outputs).SelectMany(HtmlTexts));
        StringAssert.Contains(html, "<td>mean</td>", "the metrics table was rendered by its formatter");
        Assert.AreEqual(4, CountOf(html, "<img src=\"data:image/png;base64,"), "one overlay per held-out class");
        Assert.IsTrue(File.Exists(Path.Combine(dir.File("output"), "report", "index.html")), "the notebook wrote the report");
    }

    private static IEnumerable<JsonElement> Outputs(JsonElement cell) =>
        cell.TryGetProperty("outputs", out var outputs) ? outputs.EnumerateArray() : [];

    private static IEnumerable<string> HtmlTexts(JsonElement output) =>
        output.TryGetProperty("data", out var data) && data.TryGetProperty("text/html", out var html)
            ? [html.ValueKind == JsonValueKind.Array ? string.Concat(html.EnumerateArray().Select(l => l.GetString())) : html.GetString() ?? ""]
            : [];

    private static int CountOf(string text, string part)
    {
        int count = 0;
        for (int at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal)) count++;
        return count;
    }

    private static int CellCount(string notebook)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(notebook));
        return document.RootElement.GetProperty("cells").GetArrayLength();
    }
}
