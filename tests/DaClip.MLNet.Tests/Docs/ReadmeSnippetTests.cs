using System.Text.RegularExpressions;
using DaClip.MLNet.Tests.Infrastructure;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Docs;

/// <summary>The README's C# example is the code of <see cref="ReadmeSnippet"/>, which the build compiles.</summary>
[TestClass]
public sealed class ReadmeSnippetTests
{
    [TestMethod]
    public void Readme_example_is_the_compiled_snippet()
    {
        var readme = File.ReadAllText(Path.Combine(Fixtures.RepoRoot, "README.md"));
        var block = Regex.Match(readme, "```csharp\n(.*?)```", RegexOptions.Singleline).Groups[1].Value;
        var source = File.ReadAllText(Path.Combine(Fixtures.RepoRoot, "tests", "DaClip.MLNet.Tests", "Docs", "ReadmeSnippet.cs"));
        var body = Regex.Match(source, "// README-BEGIN\n(.*?)\\s*// README-END", RegexOptions.Singleline).Groups[1].Value;
        static string[] Norm(IEnumerable<string> lines) => lines.Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
        var expected = Norm(source.Split('\n').Where(l => l.StartsWith("using ", StringComparison.Ordinal)).Concat(body.Split('\n')));
        CollectionAssert.AreEqual(expected, Norm(block.Split('\n')), "README.md's C# block and tests/.../Docs/ReadmeSnippet.cs differ");
    }
}
