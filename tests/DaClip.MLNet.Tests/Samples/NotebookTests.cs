using System.Text.Json;
using System.Xml.Linq;
using DaClip.MLNet.Tests.Infrastructure;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Samples;

/// <summary>
/// Runs samples/notebooks/daclip-quickstart.ipynb headless and fails on any cell error.
/// <list type="number">
/// <item>Builds samples/QuickStart in Debug: the notebook references the library and its native libraries (with
/// TorchSharp's patched for Debian 12) from that build output, relative to the notebook's folder.</item>
/// <item>Restores dotnet-repl, pinned in .config/dotnet-tools.json. When it cannot be restored (offline, empty NuGet
/// cache) the test is Inconclusive, and fails under CI (<c>CI=true</c>).</item>
/// <item>Runs <c>dotnet tool run dotnet-repl -- --run daclip-quickstart.ipynb --exit-after-run --output-format trx</c>
/// in the notebook's folder. dotnet-repl runs every cell even after an error, exits 2 when a cell failed, and writes
/// one test result per cell (markdown cells included) to the .trx file; the failure message quotes the failed cells'
/// errors from it.</item>
/// </list>
/// </summary>
[TestClass]
public sealed class NotebookTests
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan NotebookTimeout = TimeSpan.FromMinutes(5);

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void QuickStartNotebook_RunsEveryCellWithoutError()
    {
        string root = Fixtures.RepoRoot;
        string notebookFolder = Path.Combine(root, "samples", "notebooks");
        string notebook = Path.Combine(notebookFolder, "daclip-quickstart.ipynb");

        var build = ChildProcess.Run(ChildProcess.Dotnet,
            ["build", Path.Combine(root, "samples", "QuickStart", "QuickStart.csproj"), "-c", "Debug", "-nologo", "-v", "q", "-nodeReuse:false", "--disable-build-servers"],
            root, null, BuildTimeout);
        Assert.AreEqual(0, build.ExitCode, "Building samples/QuickStart for the notebook failed:\n" + build);

        var restore = ChildProcess.Run(ChildProcess.Dotnet, ["tool", "restore"], root, null, TimeSpan.FromMinutes(3));
        if (restore.ExitCode != 0)
        {
            string reason = "dotnet-repl (.config/dotnet-tools.json) could not be restored, so the notebook cannot run:\n" + restore;
            if (Fixtures.IsCi) Assert.Fail(reason);
            Assert.Inconclusive(reason);
        }

        using var dir = new TempDir("notebook");
        string trx = dir.File("notebook.trx");
        var run = ChildProcess.Run(ChildProcess.Dotnet,
            ["tool", "run", "dotnet-repl", "--", "--run", notebook, "--exit-after-run", "--output-format", "trx", "--output-path", trx],
            notebookFolder, new Dictionary<string, string?> { ["DACLIP_NOTEBOOK_OUTPUT"] = dir.File("output") }, NotebookTimeout);
        TestContext.WriteLine(run.ToString());

        Assert.IsFalse(run.TimedOut, $"The notebook did not finish within {NotebookTimeout}:\n{run}");
        Assert.IsTrue(File.Exists(trx), "dotnet-repl wrote no results:\n" + run);
        var cells = CellResults(trx);
        var failed = cells.Where(c => c.Outcome != "Passed").ToList();
        if (failed.Count > 0)
            Assert.Fail("Notebook cells failed:\n" + string.Join("\n\n", failed.Select(c => $"{c.Name}: {c.Outcome}\n{c.Error}")));
        Assert.AreEqual(0, run.ExitCode, "dotnet-repl reported a failure:\n" + run);
        Assert.AreEqual(CellCount(notebook), cells.Count, "every cell ran");
        Assert.IsTrue(cells.Any(c => c.Output.Contains("| mean |", StringComparison.Ordinal)), "the metrics table was printed");
        Assert.IsTrue(File.Exists(Path.Combine(dir.File("output"), "report", "index.html")), "the notebook wrote the report");
    }

    private sealed record CellResult(string Name, string Outcome, string Error, string Output);

    /// <summary>One result per cell from dotnet-repl's .trx file.</summary>
    private static List<CellResult> CellResults(string trx)
    {
        XNamespace ns = "http://microsoft.com/schemas/VisualStudio/TeamTest/2010";
        // dotnet-repl declares encoding="utf-16" but writes UTF-8: parse the text, not the bytes.
        return XDocument.Parse(File.ReadAllText(trx)).Descendants(ns + "UnitTestResult").Select(r => new CellResult(
            (string?)r.Attribute("testName") ?? "?",
            (string?)r.Attribute("outcome") ?? "?",
            r.Descendants(ns + "Message").FirstOrDefault()?.Value ?? "",
            r.Descendants(ns + "StdOut").FirstOrDefault()?.Value ?? "")).ToList();
    }

    private static int CellCount(string notebook)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(notebook));
        return document.RootElement.GetProperty("cells").GetArrayLength();
    }
}
