using System.Globalization;

namespace DaClip.Cli.Bench;

/// <summary>Resident memory of this process from <c>/proc/self/status</c> (Linux), with a resettable peak.</summary>
internal static class ProcessMemory
{
    /// <summary>A <c>/proc/self/status</c> entry in bytes (e.g. <c>VmHWM</c>, <c>VmRSS</c>); null where unavailable.</summary>
    public static long? Status(string key)
    {
        const string path = "/proc/self/status";
        if (!File.Exists(path)) return null;
        foreach (var line in File.ReadLines(path))
        {
            if (!line.StartsWith(key + ":", StringComparison.Ordinal)) continue;
            var parts = line[(key.Length + 1)..].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            return long.Parse(parts[0], CultureInfo.InvariantCulture) * 1024;
        }
        return null;
    }

    /// <summary>Peak resident set size so far (<c>VmHWM</c>).</summary>
    public static long? Peak => Status("VmHWM");

    /// <summary>Current resident set size (<c>VmRSS</c>).</summary>
    public static long? Current => Status("VmRSS");

    /// <summary>Resets <c>VmHWM</c> to the current RSS (writes 5 to <c>/proc/self/clear_refs</c>); false where not allowed.</summary>
    public static bool ResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Bytes as GiB with two decimals, or "n/a".</summary>
    public static string Gib(long? bytes) =>
        bytes is long b ? (b / (1024.0 * 1024 * 1024)).ToString("F2", CultureInfo.InvariantCulture) + " GiB" : "n/a";
}
