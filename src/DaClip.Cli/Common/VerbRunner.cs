using System.Text.RegularExpressions;
using DaClip.MLNet;

namespace DaClip.Cli.Common;

/// <summary>
/// Runs the body of a verb and turns expected failures into a one-line message on standard error and an exit code:
/// 2 for input errors (<see cref="CliUsageException"/>, every <see cref="DaClipException"/>, <see cref="DaClipSchemaException"/>
/// and <see cref="DaClipOptionException"/>, a missing file, an output path below a file), 1 for file-system failures while writing, 130 when cancelled (Ctrl+C). docs/troubleshooting.md
/// lists the codes. Anything else is a bug and keeps its stack trace.
/// </summary>
internal static partial class VerbRunner
{
    /// <summary>Exit code of a usage or input error.</summary>
    public const int UsageError = 2;

    /// <summary>Exit code of a file-system failure.</summary>
    public const int IoError = 1;

    /// <summary>Exit code after cancellation (128 + SIGINT).</summary>
    public const int Cancelled = 130;

    /// <summary>Runs <paramref name="body"/> for <c>daclip <paramref name="verb"/></c>.</summary>
    public static async Task<int> RunAsync(string verb, TextWriter error, Func<Task<int>> body)
    {
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (Exception e) when (Classify(e) is (int code, string message))
        {
            error.WriteLine($"daclip {verb}: {message}");
            return code;
        }
    }

    /// <summary>
    /// Runs the synchronous <paramref name="body"/> for <c>daclip <paramref name="verb"/></c> on the thread pool, so that
    /// the action returns at once and System.CommandLine can install its Ctrl+C handler, which cancels the body's token.
    /// </summary>
    public static Task<int> RunAsync(string verb, TextWriter error, Func<int> body) => RunAsync(verb, error, () => Task.Run(body));

    /// <summary>
    /// The existing file a failed folder creation ran into (.NET reports it as "The file '...' already exists."): an
    /// output path below a file, a usage error like a missing folder (<see cref="DirectoryNotFoundException"/>).
    /// </summary>
    private static string? FileInTheWay(Exception e) =>
        QuotedPath().Matches(e.Message).Select(m => m.Groups[1].Value).FirstOrDefault(p => Path.IsPathFullyQualified(p) && File.Exists(p));

    [GeneratedRegex("'([^']+)'")]
    private static partial Regex QuotedPath();

    private static (int Code, string Message)? Classify(Exception e)
    {
        switch (e)
        {
            case CliUsageException usage:
                return (UsageError, usage.Message);
            case OperationCanceledException:
                return (Cancelled, "cancelled.");
            case FileNotFoundException or DirectoryNotFoundException:
                return (UsageError, e.Message);
            case IOException when FileInTheWay(e) is { } file:
                return (UsageError, $"'{file}' is a file, so no folder can be created there or below it. Give an output path whose parent folders are folders (or remove the file).");
            case IOException or UnauthorizedAccessException:
                return (IoError, e.Message);
        }
        // ML.NET and the thread pool wrap exceptions thrown inside cursors and parallel loops.
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is DaClipException or DaClipSchemaException or DaClipOptionException) return (UsageError, inner.Message);
            if (inner is AggregateException { InnerExceptions.Count: > 0 } aggregate && Classify(aggregate.InnerExceptions[0]) is { } found) return found;
        }
        return null;
    }
}
