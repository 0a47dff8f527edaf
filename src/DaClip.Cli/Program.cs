using System.CommandLine;
using DaClip.Cli.Commands;

namespace DaClip.Cli;

/// <summary>Entry point of the <c>daclip</c> tool: one file per verb under Commands/.</summary>
public static class Program
{
    /// <summary>Builds the command tree (also used by the CLI tests).</summary>
    public static RootCommand BuildRoot()
    {
        var root = new RootCommand("daclip: zero-shot visual anomaly detection (DA-CLIP) for .NET.");
        foreach (var command in new Command[]
        {
            InspectWeightsCommand.Create(),
            BenchCommand.Create(),
            DownloadCommand.Create(),
        })
        {
            root.Subcommands.Add(command);
        }
        return root;
    }

    /// <summary>Runs the tool.</summary>
    public static int Main(string[] args) => BuildRoot().Parse(args).Invoke();
}
