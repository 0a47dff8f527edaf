using System.Diagnostics;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Infrastructure;

/// <summary>Headless Chromium (Debian package <c>chromium</c>) for the page tests: found on PATH, run with a time limit.</summary>
public static class HeadlessChromium
{
    /// <summary>The browser on PATH; without one the calling test is inconclusive, and fails under CI (whose script installs it).</summary>
    public static string Require()
    {
        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            foreach (var name in (string[])["chromium", "chromium-browser"])
            {
                var path = Path.Combine(folder, name);
                if (File.Exists(path)) return path;
            }
        // A missing browser fails the test (a skipped screenshot test would check nothing); .ci/run installs it.
        Assert.Fail("Chromium not found on PATH: the page screenshot tests need it (Debian: apt-get install -y chromium; .ci/run installs it).");
        return "";
    }

    /// <summary>Runs the browser; fails the test when it does not finish within <paramref name="timeout"/>.</summary>
    /// <returns>The exit code, and standard output followed by standard error.</returns>
    public static (int ExitCode, string Output) Run(string chromium, IEnumerable<string> arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(chromium) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{chromium} did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            Assert.Fail($"Chromium did not finish within {timeout.TotalSeconds} s and was stopped.");
        }
        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
