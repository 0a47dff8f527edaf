using System.Text.RegularExpressions;
using System.Xml.Linq;
using DaClip.MLNet.Tests.Infrastructure;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Build;

/// <summary>
/// Every source file of every project under src/ declares the namespace of its folder: the project's root namespace
/// followed by the folder path. The one convention on top is ML.NET's: the catalog extensions (<c>*Catalog.cs</c>)
/// live in <c>Microsoft.ML</c>, so that <c>mlContext.Transforms.…</c> needs no extra using.
/// </summary>
[TestClass]
public sealed partial class NamespaceLayoutTests
{
    [GeneratedRegex(@"^\s*namespace\s+([A-Za-z_][A-Za-z0-9_.]*)\s*[;{]?", RegexOptions.Multiline)]
    private static partial Regex NamespaceDeclaration();

    /// <summary>
    /// buildTransitive/ holds MSBuild's own sources, compiled at the consumer's build under a build-time namespace
    /// (the runtime copy is linked into NativeLoading/ and switched by a preprocessor symbol).
    /// </summary>
    private static readonly string[] ExemptFolders = ["bin", "obj", "buildTransitive"];

    private static IEnumerable<(string Project, string RootNamespace)> SourceProjects()
    {
        foreach (var csproj in Directory.GetFiles(Path.Combine(Fixtures.RepoRoot, "src"), "*.csproj", SearchOption.AllDirectories))
        {
            var root = XDocument.Load(csproj).Descendants("RootNamespace").Select(e => e.Value.Trim()).FirstOrDefault()
                ?? Path.GetFileNameWithoutExtension(csproj);
            yield return (Path.GetDirectoryName(csproj)!, root);
        }
    }

    internal static string ExpectedNamespace(string rootNamespace, string relativeFolder) =>
        relativeFolder.Length == 0
            ? rootNamespace
            : rootNamespace + "." + relativeFolder.Replace(Path.DirectorySeparatorChar, '.').Replace('/', '.');

    internal static IReadOnlyList<string> Violations(string file, string relativePath, string rootNamespace, string text)
    {
        var folder = Path.GetDirectoryName(relativePath) ?? "";
        var expected = ExpectedNamespace(rootNamespace, folder);
        var declared = NamespaceDeclaration().Matches(text).Select(m => m.Groups[1].Value).ToList();
        if (declared.Count == 0) return [$"{file}: declares no namespace (expected {expected})"];
        bool catalog = Path.GetFileName(file).EndsWith("Catalog.cs", StringComparison.Ordinal);
        return declared
            .Where(ns => ns != expected && !(catalog && ns == "Microsoft.ML"))
            .Select(ns => $"{file}: namespace {ns}, expected {expected}")
            .ToList();
    }

    [TestMethod]
    public void Every_source_namespace_matches_its_folder()
    {
        var violations = new List<string>();
        int files = 0;
        foreach (var (dir, rootNamespace) in SourceProjects())
        {
            foreach (var file in Directory.GetFiles(dir, "*.cs", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(dir, file);
                if (relative.Split(Path.DirectorySeparatorChar)[0] is var top && ExemptFolders.Contains(top)) continue;
                files++;
                violations.AddRange(Violations(Path.GetRelativePath(Fixtures.RepoRoot, file), relative, rootNamespace, File.ReadAllText(file)));
            }
        }
        Assert.IsTrue(files > 300, $"found only {files} source files under src/");
        Assert.AreEqual(0, violations.Count, "namespace does not match folder:\n" + string.Join("\n", violations));
    }

    [TestMethod]
    public void The_check_catches_a_namespace_that_does_not_match_its_folder()
    {
        Assert.AreEqual(0, Violations("a.cs", Path.Combine("Clip", "Text", "a.cs"), "DaClip.MLNet.Training",
            "namespace DaClip.MLNet.Training.Clip.Text;\n").Count);
        Assert.AreEqual(1, Violations("a.cs", Path.Combine("MLNet", "a.cs"), "DaClip.MLNet", "namespace DaClip.MLNet;\n").Count);
        Assert.AreEqual(1, Violations("a.cs", "a.cs", "DaClip.MLNet", "namespace Microsoft.ML;\n").Count);
        Assert.AreEqual(0, Violations("XCatalog.cs", "XCatalog.cs", "DaClip.MLNet", "namespace Microsoft.ML;\n").Count);
        Assert.AreEqual(1, Violations("a.cs", "a.cs", "DaClip.MLNet", "// no namespace\nclass A { }\n").Count);
        Assert.AreEqual(1, Violations("a.cs", "a.cs", "DaClip.Cli", "namespace DaClip.Cli\n{\n}\nnamespace Other { }\n").Count);
    }
}
