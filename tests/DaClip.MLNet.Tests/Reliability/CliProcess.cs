using System.Diagnostics;
using DaClip.MLNet.Tests.Samples;

namespace DaClip.MLNet.Tests.Reliability;

/// <summary>
/// <c>daclip</c> (the CLI from the test output) running in a child process, its output collected line by line, so that a
/// test can wait for a line and then send it SIGINT (Ctrl+C). Every wait is bounded; a child still running at dispose is killed.
/// </summary>
internal sealed class CliProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _stdout = [];
    private readonly List<string> _stderr = [];

    public CliProcess(params string[] args)
    {
        // A process started in the background by a shell (`cmd &`, nohup) inherits SIGINT as ignored, and so would the
        // child; env --default-signal (GNU coreutils 8.31+) gives it the default disposition, as in a terminal.
        var start = new ProcessStartInfo("env") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("--default-signal=INT");
        start.ArgumentList.Add(ChildProcess.Dotnet);
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "daclip.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_stdout) _stdout.Add(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_stderr) _stderr.Add(e.Data); };
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Lines printed on standard output so far.</summary>
    public int StdoutLines { get { lock (_stdout) return _stdout.Count; } }

    /// <summary>Everything printed so far, for failure messages.</summary>
    public string Transcript { get { lock (_stdout) lock (_stderr) return $"--- stdout ---\n{string.Join('\n', _stdout)}\n--- stderr ---\n{string.Join('\n', _stderr)}"; } }

    /// <summary>Waits until <paramref name="condition"/> holds (polled every 10 ms); false after <paramref name="timeout"/> or when the process ended first.</summary>
    public bool WaitUntil(Func<bool> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (condition()) return true;
            if (_process.HasExited) return condition();
            Thread.Sleep(10);
        }
        return false;
    }

    /// <summary>Sends SIGINT, as Ctrl+C in a terminal does.</summary>
    public void Interrupt()
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-INT", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
        kill.WaitForExit();
    }

    /// <summary>The exit code, or null when the process is still running after <paramref name="timeout"/>.</summary>
    public int? WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout)) return null;
        _process.WaitForExit(); // drains the output events
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }
}
