using System.CommandLine.Parsing;
using System.Globalization;
using System.Text.RegularExpressions;
using DaClip.Cli;
using DaClip.Cli.Common;
using DaClip.MLNet.Tests.MLNet;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using YamlDotNet.RepresentationModel;

namespace DaClip.MLNet.Tests.Docs;

/// <summary>
/// docs/deploy.md: the Kubernetes Indexed Job parses as YAML and its shard arguments line up with its completions, the
/// Slurm array's with its range, and both command lines parse as <c>daclip predict</c> for every index.
/// </summary>
[TestClass]
public sealed class DeployDocsTests
{
    private static readonly string Doc = File.ReadAllText(Path.Combine(MLNetDocsTests.RepositoryRoot(), "docs", "deploy.md"));

    [TestMethod]
    public void Kubernetes_indexed_job_runs_one_shard_per_completion_index_with_the_model_read_only()
    {
        var yaml = Blocks("yaml").Single(b => b.Contains("kind: Job", StringComparison.Ordinal));
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var job = (YamlMappingNode)stream.Documents.Single().RootNode;
        Assert.AreEqual("batch/v1", Scalar(job, "apiVersion"));
        var spec = (YamlMappingNode)job["spec"];
        Assert.AreEqual("Indexed", Scalar(spec, "completionMode"));
        int completions = int.Parse(Scalar(spec, "completions"), CultureInfo.InvariantCulture);
        Assert.AreEqual(completions, int.Parse(Scalar(spec, "parallelism"), CultureInfo.InvariantCulture));
        var pod = (YamlMappingNode)((YamlMappingNode)spec["template"])["spec"];
        Assert.AreEqual("Never", Scalar(pod, "restartPolicy"));
        var container = (YamlMappingNode)((YamlSequenceNode)pod["containers"]).Children.Single();
        var command = string.Join(' ', ((YamlSequenceNode)container["args"]).Children.Select(c => ((YamlScalarNode)c).Value));
        CollectionAssert.AreEqual(new[] { "sh", "-c" }, ((YamlSequenceNode)container["command"]).Children.Select(c => ((YamlScalarNode)c).Value).ToArray());

        var shards = CheckCommand(command, "${JOB_COMPLETION_INDEX}", Enumerable.Range(0, completions));
        Assert.AreEqual(completions, shards, "--shard i/N with N = completions");

        var mounts = ((YamlSequenceNode)container["volumeMounts"]).Children.Cast<YamlMappingNode>().ToDictionary(m => Scalar(m, "mountPath"));
        var modelPath = Regex.Match(command, @"--model (\S+)").Groups[1].Value;
        var modelMount = mounts.Single(m => modelPath.StartsWith(m.Key + "/", StringComparison.Ordinal)).Value;
        Assert.AreEqual("true", Scalar(modelMount, "readOnly"), "the model is mounted read-only");
        var outPath = Regex.Match(command, @"--out (\S+)").Groups[1].Value;
        var outMount = mounts.Single(m => outPath.StartsWith(m.Key + "/", StringComparison.Ordinal)).Value;
        Assert.IsFalse(outMount.Children.ContainsKey("readOnly"), "the output is writable");
        var volumes = ((YamlSequenceNode)pod["volumes"]).Children.Cast<YamlMappingNode>().Select(v => Scalar(v, "name")).ToHashSet();
        foreach (var m in mounts.Values) Assert.IsTrue(volumes.Contains(Scalar(m, "name")), $"volume {Scalar(m, "name")} is declared");
    }

    [TestMethod]
    public void Slurm_array_runs_one_shard_per_task_id_and_merges_after_all()
    {
        var script = Blocks("bash").Single(b => b.Contains("#SBATCH --array", StringComparison.Ordinal));
        var array = Regex.Match(script, @"#SBATCH --array=(\d+)-(\d+)");
        Assert.IsTrue(array.Success);
        int first = int.Parse(array.Groups[1].Value, CultureInfo.InvariantCulture), last = int.Parse(array.Groups[2].Value, CultureInfo.InvariantCulture);
        Assert.AreEqual(0, first, "shards are 0-based like the array");
        var line = script.Split('\n').Single(l => l.StartsWith("srun ", StringComparison.Ordinal));
        int shards = CheckCommand(line["srun ".Length..], "${SLURM_ARRAY_TASK_ID}", Enumerable.Range(first, last - first + 1));
        Assert.AreEqual(last - first + 1, shards, "--shard i/N with N = array size");

        var submit = Blocks("bash").Single(b => b.Contains("--dependency=afterok", StringComparison.Ordinal));
        var outFolder = Regex.Match(line, @"--out (\S+)").Groups[1].Value;
        StringAssert.Contains(submit, $"daclip merge {outFolder} --out ");
        StringAssert.Contains(submit, "daclip test --from-predictions ");
    }

    [TestMethod]
    public void Dockerfile_runs_the_published_tool_on_the_dotnet_runtime_image()
    {
        var dockerfile = Blocks("dockerfile").Single();
        var from = Regex.Matches(dockerfile, @"^FROM (\S+)", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToList();
        Assert.AreEqual("mcr.microsoft.com/dotnet/runtime:10.0", from[^1], "the final stage is the .NET runtime image");
        StringAssert.Contains(dockerfile, "dotnet publish src/DaClip.Cli");
        StringAssert.Contains(dockerfile, "ENTRYPOINT [\"dotnet\", \"/app/daclip.dll\"]");
        Assert.IsTrue(File.Exists(Path.Combine(MLNetDocsTests.RepositoryRoot(), "src", "DaClip.Cli", "DaClip.Cli.csproj")));
        StringAssert.Contains(Doc, "/models:ro", "docker run mounts the model read-only");
    }

    /// <summary>
    /// Substitutes every index for <paramref name="variable"/> in the daclip command line, parses it with the real
    /// command tree and checks the shard; returns N.
    /// </summary>
    private static int CheckCommand(string command, string variable, IEnumerable<int> indexes)
    {
        var tokens = command.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        int start = tokens.FindIndex(t => t is "daclip" or "/app/daclip.dll") + 1;
        Assert.IsTrue(start > 0, command);
        var args = tokens.Skip(start).ToList();
        Assert.AreEqual("predict", args[0]);
        int n = -1;
        var seen = new HashSet<int>();
        foreach (int i in indexes)
        {
            var concrete = args.Select(a => a.Replace(variable, i.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)).ToArray();
            var parse = Program.BuildRoot().Parse(concrete);
            Assert.AreEqual(0, parse.Errors.Count, string.Join("; ", parse.Errors.Select(e => e.Message)));
            var shardText = concrete[Array.IndexOf(concrete, "--shard") + 1];
            var shard = ShardSpec.Parse(shardText);
            Assert.AreEqual(i, shard.Index, $"index {i} scores shard {i}");
            Assert.IsTrue(seen.Add(shard.Index));
            Assert.IsTrue(n == -1 || n == shard.Count, "the same N in every task");
            n = shard.Count;
        }
        CollectionAssert.AreEquivalent(Enumerable.Range(0, n).ToList(), seen.ToList(), "every shard 0..N-1 is run exactly once");
        return n;
    }

    private static string Scalar(YamlMappingNode node, string key) => ((YamlScalarNode)node[key]).Value!;

    private static IEnumerable<string> Blocks(string language) =>
        Regex.Matches(Doc, $"```{language}\n(.*?)```", RegexOptions.Singleline).Select(m => m.Groups[1].Value);
}
