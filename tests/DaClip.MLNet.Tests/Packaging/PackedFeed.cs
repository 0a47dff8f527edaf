using System.Globalization;
using DaClip.MLNet.Tests.Infrastructure;
using DaClip.MLNet.Tests.Samples;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Packaging;

/// <summary>
/// The three packages (DaClip.MLNet, DaClip.MLNet.Training, the DaClip.Cli tool) packed once per test run into a
/// temporary folder feed, with a version of their own (<c>0.1.0-test.&lt;time&gt;.&lt;pid&gt;</c>, through MinVer's
/// override) so that a copy of an earlier run in the NuGet cache is never used. Consumers restore from the served NuGet
/// source plus this feed (<see cref="WriteNuGetConfig"/>). <see cref="Delete"/> (at assembly cleanup) removes the feed
/// and this version's folders from the NuGet cache.
/// </summary>
public static class PackedFeed
{
    /// <summary>The packages, in packing order (the tool first: its build builds the two libraries).</summary>
    public static readonly string[] PackageIds = ["DaClip.Cli", "DaClip.MLNet.Training", "DaClip.MLNet"];

    private static readonly TimeSpan PackTimeout = TimeSpan.FromMinutes(8);
    private static readonly Lazy<string> Feed = new(Pack, LazyThreadSafetyMode.ExecutionAndPublication);
    private static string? _folder;

    /// <summary>This run's package version.</summary>
    public static string Version { get; } = string.Create(CultureInfo.InvariantCulture,
        $"0.1.0-test.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}");

    /// <summary>The feed folder (packs on first use; a packing failure fails every test that uses it).</summary>
    public static string Folder => Feed.Value;

    /// <summary>The package file of <paramref name="id"/> in the feed.</summary>
    public static string Package(string id, string extension = ".nupkg") => Path.Combine(Folder, $"{id}.{Version}{extension}");

    /// <summary>
    /// Writes a nuget.config into <paramref name="folder"/> whose sources are the repository's NuGet source and the feed,
    /// so that a consumer project there (outside the repository) restores like a user's project.
    /// </summary>
    public static void WriteNuGetConfig(string folder)
    {
        var repository = System.Xml.Linq.XDocument.Load(Path.Combine(Fixtures.RepoRoot, "NuGet.config"));
        var sources = repository.Descendants("packageSources").Single();
        sources.Add(new System.Xml.Linq.XElement("add", new System.Xml.Linq.XAttribute("key", "daclip-test-feed"), new System.Xml.Linq.XAttribute("value", Folder)));
        repository.Save(Path.Combine(folder, "nuget.config"));
    }

    /// <summary>Removes the feed and this run's packages from the NuGet cache; nothing when the feed was never made.</summary>
    public static void Delete()
    {
        if (_folder is null) return;
        TryDelete(_folder);
        string cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p
            ? p : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (var id in PackageIds) TryDelete(Path.Combine(cache, id.ToLowerInvariant(), Version));
    }

    private static string Pack()
    {
        string feed = _folder = Path.Combine(Path.GetTempPath(), $"daclip-test-feed-{Guid.NewGuid():N}");
        Directory.CreateDirectory(feed);
        foreach (var id in PackageIds)
        {
            string project = Path.Combine(Fixtures.RepoRoot, "src", id, id + ".csproj");
            var arguments = new List<string> { "pack", project, "-c", "Release", "-o", feed, "-nologo", "-v", "q",
                "-nodeReuse:false", "--disable-build-servers", "-p:MinVerVersionOverride=" + Version };
            if (id != PackageIds[0]) arguments.Add("--no-build");
            var pack = ChildProcess.Run(ChildProcess.Dotnet, arguments, Fixtures.RepoRoot, null, PackTimeout);
            if (pack.ExitCode != 0 || pack.TimedOut) Assert.Fail($"dotnet pack of {id} failed:\n{pack}");
        }
        return feed;
    }

    private static void TryDelete(string? folder)
    {
        if (folder is null || !Directory.Exists(folder)) return;
        try { Directory.Delete(folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
