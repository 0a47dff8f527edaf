using System.Diagnostics;

namespace DaClip.MLNet.Tests.Samples;

/// <summary>The outcome of a child process: exit code, standard output and error, and whether it was stopped at its time limit.</summary>
public sealed record ChildProcessResult(string Command, int ExitCode, string Output, string Error, bool TimedOut)
{
    /// <summary>Everything needed to understand a failure.</summary>
    public override string ToString() =>
        $"{Command}\nexit {ExitCode}{(TimedOut ? " (stopped at its time limit)" : "")}\n--- stdout ---\n{Output}\n--- stderr ---\n{Error}";
}

/// <summary>
/// Runs commands and the sample applications in child processes. The samples are built into the test output through
/// their ProjectReferences (with their runtimeconfig and deps files) and run with <c>dotnet exec</c>, as the user's
/// <c>dotnet run</c> would. Children inherit the test process's environment, including OMP_NUM_THREADS=1
/// (<see cref="Infrastructure.AssemblySetup"/>).
/// </summary>
public static class ChildProcess
{
    /// <summary>The dotnet host running the tests (DOTNET_HOST_PATH under <c>dotnet test</c>), else <c>dotnet</c> from PATH.</summary>
    public static string Dotnet { get; } =
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    /// <summary>Runs the sample <paramref name="assemblyName"/> from the test output with <paramref name="arguments"/>.</summary>
    public static ChildProcessResult RunSample(string assemblyName, IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string?>? environment = null, TimeSpan? timeout = null) =>
        Run(Dotnet, ["exec", Path.Combine(AppContext.BaseDirectory, assemblyName + ".dll"), .. arguments],
            workingDirectory: null, environment, timeout ?? TimeSpan.FromMinutes(5));

    /// <summary>
    /// Runs <paramref name="fileName"/>; <paramref name="environment"/> sets variables (null removes one). A process
    /// still running after <paramref name="timeout"/> is killed with its children.
    /// </summary>
    public static ChildProcessResult Run(string fileName, IEnumerable<string> arguments, string? workingDirectory,
        IReadOnlyDictionary<string, string?>? environment, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null) start.Environment.Remove(name);
            else start.Environment[name] = value;
        }
        string command = $"{fileName} {string.Join(' ', start.ArgumentList)} (in {start.WorkingDirectory})";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {command}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        bool timedOut = !process.WaitForExit(timeout);
        if (timedOut) process.Kill(entireProcessTree: true);
        process.WaitForExit();
        return new ChildProcessResult(command, process.ExitCode, output.Result, error.Result, timedOut);
    }
}
