using System.Globalization;
using System.Xml.Linq;
using DaClip.MLNet.Tests.Infrastructure;
using DaClip.MLNet.Tests.MLNet;
using DaClip.MLNet.Tests.Samples;
using Microsoft.ML;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Packaging;

/// <summary>
/// The packages as a user gets them: packed once per run into a temporary feed (<see cref="PackedFeed"/>), then used by
/// fresh console applications outside the repository and installed as a .NET tool. Sizes are printed to the test log
/// (docs/packaging.md records them); the bounds asserted here catch a package pulling in natives it must not carry.
/// </summary>
[TestClass]
public sealed class PackageConsumerTests
{
    /// <summary>nuget.org's limit on a package's size.</summary>
    private const long PublicFeedLimitBytes = 250L * 1000 * 1000;

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void ScoringOnlyApp_FromTheFeed_ScoresLikeTheLibrary_WithoutLibtorchOrCudaProvider()
    {
        using var fixture = new ScoringFixture("consumer-scoring", 4, seed: 5);
        var ml = new MLContext(seed: 1);
        var data = fixture.Rows(ml);
        using var model = new DaClipScoringEstimator(ml, fixture.Model).Fit(data);
        var expected = MLNetTestData.Scores(model.Transform(data));
        string zip = fixture.File("model.zip");
        model.Save(zip, data.Schema);
        string list = fixture.File("images.txt");
        System.IO.File.WriteAllLines(list, fixture.Images.Select(i => i.Path));

        using var app = ConsumerApp.Build("Scoring", ("DaClip.MLNet", PackedFeed.Version), ("Microsoft.ML.OnnxRuntime", CentralVersion("Microsoft.ML.OnnxRuntime.Managed")));
        var run = app.Run(zip, list);
        Assert.AreEqual(0, run.ExitCode, run.ToString());
        var scores = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => float.Parse(l.Split(' ')[0], CultureInfo.InvariantCulture)).ToArray();
        CollectionAssert.AreEqual(expected, scores, "the packaged library scores exactly as the library under test");

        var (files, bytes) = app.Output();
        var (download, packages) = app.RestoreDownload();
        TestContext.WriteLine($"scoring app output: {bytes / 1e6:F1} MB in {files.Count} files; first restore downloads {download / 1e6:F1} MB ({packages} packages)");
        Assert.IsFalse(files.Any(f => f.Contains("torch", StringComparison.OrdinalIgnoreCase)), "no libtorch or TorchSharp:\n" + string.Join('\n', files));
        Assert.IsFalse(files.Any(f => f.Contains("providers_cuda", StringComparison.Ordinal) || f.Contains("providers_tensorrt", StringComparison.Ordinal)), "no CUDA provider");
        CollectionAssert.Contains(files.ToList(), "libonnxruntime.so");
        Assert.IsTrue(bytes < 100_000_000, $"a scoring-only application stays under 100 MB (was {bytes / 1e6:F1} MB)");

        // The same application without ONNX Runtime's native library: the typed error names the package to add.
        System.IO.File.Delete(Path.Combine(app.OutputFolder, "libonnxruntime.so"));
        var missing = app.Run(zip, list);
        Assert.AreNotEqual(0, missing.ExitCode, missing.ToString());
        StringAssert.Contains(missing.Error, nameof(NativeLibraryMissingException));
        StringAssert.Contains(missing.Error, "dotnet add package Microsoft.ML.OnnxRuntime");
    }

    [TestMethod]
    public void TrainingApp_FromTheFeed_TrainsTinyForOneEpoch_WithThePatchFromThePackage()
    {
        string ort = CentralVersion("Microsoft.ML.OnnxRuntime.Managed");
        using var app = ConsumerApp.Build("Training", ("DaClip.MLNet.Training", PackedFeed.Version), ("TorchSharp-cpu", CentralVersion("TorchSharp-cpu")),
            ("Microsoft.ML.OnnxRuntime", ort));
        var run = app.Run(app.File("run"));
        Assert.AreEqual(0, run.ExitCode, run.ToString());
        var words = run.Output.Trim().Split('\n').Last().Split(' ');
        Assert.AreEqual("trained", words[0], run.Output);
        Assert.AreEqual("12", words[1], "4 auxiliary categories x (1 good + 2 anomalous)");
        Assert.AreEqual("12", words[3], "4 held-out categories x 3 images");
        double mean = double.Parse(words[5], CultureInfo.InvariantCulture);
        Assert.IsTrue(mean is >= 0 and <= 1, $"mean score {mean}");
        Assert.IsTrue(new FileInfo(words[7]).Length > 10_000, "the model zip was written");

        var (files, bytes) = app.Output();
        var (download, packages) = app.RestoreDownload();
        TestContext.WriteLine($"training app output: {bytes / 1e6:F1} MB in {files.Count} files; first restore downloads {download / 1e6:F1} MB ({packages} packages)");
        CollectionAssert.Contains(files.ToList(), "libLibTorchSharp.so");
        Assert.IsFalse(files.Any(f => f.Contains("providers_cuda", StringComparison.Ordinal)), "no CUDA provider with the CPU packages");

        // Without TorchSharp's native library the typed error names the libtorch package to add.
        System.IO.File.Delete(Path.Combine(app.OutputFolder, "libLibTorchSharp.so"));
        var missing = app.Run(app.File("run-missing"));
        Assert.AreNotEqual(0, missing.ExitCode, missing.ToString());
        StringAssert.Contains(missing.Error, nameof(NativeLibraryMissingException));
        StringAssert.Contains(missing.Error, "dotnet add package TorchSharp-cpu");
    }

    [TestMethod]
    public void Tool_InstalledFromTheFeed_PrintsItsVersion_AndRunsTheDemo()
    {
        var package = new FileInfo(PackedFeed.Package("DaClip.Cli"));
        TestContext.WriteLine($"DaClip.Cli package: {package.Length / 1e6:F1} MB");
        foreach (var id in PackedFeed.PackageIds)
            TestContext.WriteLine($"{id}: nupkg {new FileInfo(PackedFeed.Package(id)).Length / 1e3:F0} kB, snupkg {new FileInfo(PackedFeed.Package(id, ".snupkg")).Length / 1e3:F0} kB");
        Assert.IsTrue(package.Length < PublicFeedLimitBytes, $"the tool package fits nuget.org's 250 MB limit (is {package.Length / 1e6:F1} MB)");

        using var dir = new TempDir("tool");
        PackedFeed.WriteNuGetConfig(dir.Path);
        string tools = dir.File("tools");
        var install = ChildProcess.Run(ChildProcess.Dotnet,
            ["tool", "install", "DaClip.Cli", "--version", PackedFeed.Version, "--tool-path", tools, "--add-source", PackedFeed.Folder],
            dir.Path, null, TimeSpan.FromMinutes(5));
        Assert.AreEqual(0, install.ExitCode, install.ToString());
        long installed = Directory.GetFiles(tools, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        TestContext.WriteLine($"installed tool: {installed / 1e6:F1} MB");
        var store = Directory.GetFiles(tools, "*", SearchOption.AllDirectories).Select(Path.GetFileName).ToList();
        CollectionAssert.DoesNotContain(store, "libtorch_python.so");
        CollectionAssert.DoesNotContain(store, "libtorchbind_test.so");
        CollectionAssert.Contains(store, "libtorch_cpu.so");

        var environment = new Dictionary<string, string?> { ["DOTNET_ROOT"] = DotnetRoot() };
        string daclip = Path.Combine(tools, "daclip");
        var version = ChildProcess.Run(daclip, ["--version"], dir.Path, environment, TimeSpan.FromMinutes(1));
        Assert.AreEqual(0, version.ExitCode, version.ToString());
        StringAssert.StartsWith(version.Output.Trim(), PackedFeed.Version);

        string demo = dir.File("demo");
        var run = ChildProcess.Run(daclip, ["demo", "--out", demo, "--image-size", "32", "--images-per-class", "3", "--epochs", "1"],
            dir.Path, environment, TimeSpan.FromMinutes(5));
        Assert.AreEqual(0, run.ExitCode, run.ToString());
        var mean = run.Output.Split('\n').Single(l => l.StartsWith("mean ", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.AreEqual("12", mean[1], "4 held-out categories x 3 images");
        Assert.IsTrue(System.IO.File.Exists(Path.Combine(demo, "report", "index.html")), "the installed tool wrote the report");
    }

    /// <summary>The version of <paramref name="id"/> in the repository's Directory.Packages.props.</summary>
    internal static string CentralVersion(string id) =>
        XDocument.Load(Path.Combine(Fixtures.RepoRoot, "Directory.Packages.props")).Descendants("PackageVersion")
            .Single(e => (string?)e.Attribute("Include") == id).Attribute("Version")!.Value;

    private static string DotnetRoot()
    {
        string host = ChildProcess.Dotnet;
        if (!Path.IsPathRooted(host))
            host = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Select(d => Path.Combine(d, "dotnet")).First(System.IO.File.Exists);
        return Path.GetDirectoryName(new FileInfo(host).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? host)!;
    }
}
