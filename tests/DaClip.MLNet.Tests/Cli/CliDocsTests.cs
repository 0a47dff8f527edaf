using System.CommandLine;
using System.Text.RegularExpressions;
using DaClip.Cli;
using DaClip.MLNet.Tests.MLNet;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Cli;

/// <summary>docs/cli.md and the command tree agree: each verb's section names every option of the verb, and only those.</summary>
[TestClass]
public sealed class CliDocsTests
{
    [TestMethod]
    public void Each_verb_section_documents_exactly_the_verbs_options()
    {
        var doc = File.ReadAllText(Path.Combine(MLNetDocsTests.RepositoryRoot(), "docs", "cli.md"));
        var root = Program.BuildRoot();
        foreach (var verb in new[] { "demo", "train", "test", "predict", "export", "merge", "calibrate", "sweep", "config" })
        {
            var section = Regex.Match(doc, $"\n## {verb}\n(.*?)(\n## |$)", RegexOptions.Singleline);
            Assert.IsTrue(section.Success, $"docs/cli.md has a section '## {verb}'");
            var documented = Regex.Matches(section.Groups[1].Value, "--[a-z0-9-]+[a-z0-9]").Select(m => m.Value).ToHashSet();
            var command = root.Subcommands.Single(c => c.Name == verb);
            var options = command.Options.Select(o => o.Name).Where(n => n is not ("--help" or "--json")).ToHashSet();
            CollectionAssert.IsSubsetOf(options.ToList(), documented.ToList(), $"options of '{verb}' missing from docs/cli.md");
            CollectionAssert.IsSubsetOf(documented.Where(d => d != "--json").ToList(), options.ToList(), $"docs/cli.md names options '{verb}' does not have");
        }
    }
}
