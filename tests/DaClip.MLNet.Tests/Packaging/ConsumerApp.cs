using System.Xml.Linq;
using DaClip.MLNet.Tests.Infrastructure;
using DaClip.MLNet.Tests.Samples;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Packaging;

/// <summary>
/// A fresh console application outside the repository (no Directory.Build.props, no central package versions), with
/// package references only, restored from <see cref="PackedFeed"/> and the served NuGet source, built for linux-x64
/// like the repository's own applications, with a program from <c>Packaging/Consumers/&lt;name&gt;/Program.cs</c>.
/// </summary>
internal sealed class ConsumerApp : IDisposable
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(6);
    private readonly TempDir _dir;

    private ConsumerApp(string name, TempDir dir)
    {
        _dir = dir;
        Name = name;
    }

    /// <summary>The project's name (its assembly name).</summary>
    public string Name { get; }

    /// <summary>The project folder.</summary>
    public string ProjectFolder => _dir.Path;

    /// <summary>The build output folder (<c>bin/Release/net10.0/linux-x64</c>).</summary>
    public string OutputFolder => Path.Combine(_dir.Path, "bin", "Release", "net10.0", "linux-x64");

    /// <summary>A path in a scratch folder beside the project.</summary>
    public string File(string name) => Path.Combine(_dir.Path, "scratch", name);

    /// <summary>Creates and builds the application; fails the test with the build log when it does not build.</summary>
    public static ConsumerApp Build(string name, params (string Id, string Version)[] packages)
    {
        var dir = new TempDir("consumer-" + name.ToLowerInvariant());
        var app = new ConsumerApp(name, dir);
        try
        {
            var project = new XElement("Project", new XAttribute("Sdk", "Microsoft.NET.Sdk"),
                new XElement("PropertyGroup",
                    new XElement("OutputType", "Exe"),
                    new XElement("TargetFramework", "net10.0"),
                    new XElement("RuntimeIdentifier", "linux-x64"),
                    new XElement("SelfContained", "false"),
                    new XElement("Nullable", "enable"),
                    new XElement("ImplicitUsings", "enable")),
                new XElement("ItemGroup", packages.Select(p =>
                    new XElement("PackageReference", new XAttribute("Include", p.Id), new XAttribute("Version", p.Version)))));
            project.Save(Path.Combine(dir.Path, name + ".csproj"));
            System.IO.File.Copy(Path.Combine(Fixtures.RepoRoot, "tests", "DaClip.MLNet.Tests", "Packaging", "Consumers", name, "Program.cs"),
                Path.Combine(dir.Path, "Program.cs"));
            Directory.CreateDirectory(Path.Combine(dir.Path, "scratch"));
            PackedFeed.WriteNuGetConfig(dir.Path);
            var build = ChildProcess.Run(ChildProcess.Dotnet,
                ["build", "-c", "Release", "-nologo", "-v", "q", "-nodeReuse:false", "--disable-build-servers"], dir.Path, null, BuildTimeout);
            if (build.ExitCode != 0 || build.TimedOut) Assert.Fail($"The consumer application {name} did not build:\n{build}");
            return app;
        }
        catch
        {
            app.Dispose();
            throw;
        }
    }

    /// <summary>Runs the built application with <paramref name="arguments"/>.</summary>
    public ChildProcessResult Run(params string[] arguments) =>
        ChildProcess.Run(ChildProcess.Dotnet, ["exec", Path.Combine(OutputFolder, Name + ".dll"), .. arguments], _dir.Path, null, TimeSpan.FromMinutes(5));

    /// <summary>The files of the output folder, relative names, and the folder's total size in bytes.</summary>
    public (IReadOnlyList<string> Files, long Bytes) Output()
    {
        var files = Directory.GetFiles(OutputFolder, "*", SearchOption.AllDirectories);
        return (files.Select(f => Path.GetRelativePath(OutputFolder, f)).Order(StringComparer.Ordinal).ToList(), files.Sum(f => new FileInfo(f).Length));
    }

    /// <summary>
    /// The download of a first restore: the summed size of the .nupkg files of every package the project restored
    /// (read from obj/project.assets.json and the NuGet cache), and their count.
    /// </summary>
    public (long Bytes, int Packages) RestoreDownload()
    {
        using var assets = System.Text.Json.JsonDocument.Parse(System.IO.File.ReadAllText(Path.Combine(_dir.Path, "obj", "project.assets.json")));
        var folders = assets.RootElement.GetProperty("packageFolders").EnumerateObject().Select(f => f.Name).ToList();
        long bytes = 0;
        int count = 0;
        foreach (var library in assets.RootElement.GetProperty("libraries").EnumerateObject())
        {
            if (library.Value.GetProperty("type").GetString() != "package") continue;
            string relative = library.Value.GetProperty("path").GetString()!;
            var nupkg = folders.Select(f => Path.Combine(f, relative)).Where(Directory.Exists)
                .SelectMany(d => Directory.GetFiles(d, "*.nupkg")).FirstOrDefault();
            if (nupkg is null) continue;
            bytes += new FileInfo(nupkg).Length;
            count++;
        }
        return (bytes, count);
    }

    public void Dispose() => _dir.Dispose();
}
