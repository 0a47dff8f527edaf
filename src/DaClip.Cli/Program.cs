using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using DaClip.Cli.Commands;
using DaClip.Cli.Common;

namespace DaClip.Cli;

/// <summary>Entry point of the <c>daclip</c> tool: one file per verb under Commands/.</summary>
public static class Program
{
    /// <summary>Builds the command tree.</summary>
    public static RootCommand BuildRoot()
    {
        var root = new RootCommand(
            "daclip: zero-shot visual anomaly detection (DA-CLIP) for .NET. Start with `daclip demo` (synthetic data, no downloads); " +
            "for real models: daclip download, train, test, predict, export. `daclip <verb> --help` explains each verb; docs/cli.md has examples.");
        foreach (var command in new Command[]
        {
            TrainCommand.Create(),
            TestCommand.Create(),
            PredictCommand.Create(),
            MergeCommand.Create(),
            ExportCommand.Create(),
            CalibrateCommand.Create(),
            SweepCommand.Create(),
            ConfigCommand.Create(),
            DemoCommand.Create(),
            DownloadCommand.Create(),
            InspectWeightsCommand.Create(),
            BenchCommand.Create(),
            ServeCommand.Create(),
            PretrainCommand.Create(),
        })
        {
            root.Subcommands.Add(command);
        }
        return root;
    }

    /// <summary>
    /// Parses and runs <paramref name="args"/> (also used by the CLI tests). A command line that does not parse (unknown
    /// verb or option, missing or invalid value) prints one line per problem and exits with 2, the usage-error code.
    /// </summary>
    public static int Run(string[] args, InvocationConfiguration? configuration = null)
    {
        var root = BuildRoot();
        try
        {
            args = ConfigArguments.Expand(root, args);
        }
        catch (CliUsageException e)
        {
            var verb0 = args.Length > 0 && root.Subcommands.Any(c => c.Name == args[0]) ? $"daclip {args[0]}" : "daclip";
            (configuration?.Error ?? Console.Error).WriteLine($"{verb0}: {e.Message}");
            return VerbRunner.UsageError;
        }
        var result = root.Parse(args);
        if (result.Action is not ParseErrorAction) return result.InvokeAsync(configuration).GetAwaiter().GetResult();
        var error = configuration?.Error ?? Console.Error;
        var verb = string.Join(' ', CommandPath(result.CommandResult));
        foreach (var e in result.Errors) error.WriteLine($"{verb}: {Describe(e)}");
        error.WriteLine($"Run '{verb} --help' for usage.");
        return VerbRunner.UsageError;
    }

    /// <summary>
    /// Runs the tool. After Ctrl+C a verb gets up to a minute to stop at its next safe point (training stops between
    /// steps; one step of a large backbone on a CPU takes seconds) before the process is ended.
    /// </summary>
    public static int Main(string[] args) => Run(args, new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromMinutes(1) });

    /// <summary>The error on one line, prefixed with the option it concerns when the message does not name it.</summary>
    private static string Describe(ParseError e)
    {
        var message = string.Join(", ", e.Message.Split(['\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Replace(":,", ":");
        var option = e.SymbolResult switch
        {
            OptionResult o => o.Option,
            ArgumentResult { Parent: OptionResult o } => o.Option,
            _ => null,
        };
        return option is null || message.Contains(option.Name, StringComparison.Ordinal) ? message : $"{option.Name}: {message}";
    }

    private static IEnumerable<string> CommandPath(CommandResult command)
    {
        var names = new Stack<string>();
        for (var c = command; c is not null; c = c.Parent as CommandResult)
            names.Push(c.Parent is null ? "daclip" : c.Command.Name);
        return names;
    }
}
