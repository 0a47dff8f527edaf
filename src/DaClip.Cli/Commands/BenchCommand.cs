using System.CommandLine;
using DaClip.Cli.Bench;

namespace DaClip.Cli.Commands;

/// <summary><c>daclip bench ...</c>: benchmarks whose results are recorded in docs/benchmarks.md.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var bench = new Command("bench", "Run a benchmark and print its table (results are recorded in docs/benchmarks.md).");
        foreach (var sub in new Command[]
        {
            Bench.MetricsBenchmark.CreateCommand(),
            Bench.TrainBenchmark.CreateCommand(),
            AblationBenchmark.CreateCommand(),
            Bench.CacheBenchmark.CreateCommand(),
            InferenceBenchmark.CreateCommand(),
            ServeBenchmark.CreateCommand(),
        })
        {
            bench.Subcommands.Add(sub);
        }
        return bench;
    }
}
