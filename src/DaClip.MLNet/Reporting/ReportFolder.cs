using System.Text.Json;

namespace DaClip.MLNet.Reporting;

/// <summary>
/// Writes a report folder so that readers see the old complete report or the new complete one, never a partial one: the
/// report is built in a hidden temporary folder beside the target, then moved into place. A target that exists is
/// moved aside first and deleted after the new folder is in place (restored if the move fails); for that instant
/// the path does not exist. Only an empty folder or an earlier report (its report.json names the format) is replaced,
/// so a mistyped path cannot delete unrelated files.
/// </summary>
internal static class ReportFolder
{
    /// <summary>The <c>format</c> value of report.json that marks a folder as a report.</summary>
    public const string FormatName = "daclip-anomaly-report";

    /// <summary>Creates an empty temporary folder beside <paramref name="target"/> after checking that the target may be replaced.</summary>
    public static string CreateStaging(string target)
    {
        RequireReplaceable(target);
        var parent = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(parent);
        var staging = Path.Combine(parent, $".{Path.GetFileName(target)}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        return staging;
    }

    /// <summary>Moves the finished <paramref name="staging"/> folder to <paramref name="target"/>, replacing an earlier report.</summary>
    public static void Commit(string staging, string target)
    {
        RequireReplaceable(target);
        if (!Directory.Exists(target))
        {
            Directory.Move(staging, target);
            return;
        }
        var parent = Path.GetDirectoryName(target)!;
        var aside = Path.Combine(parent, $".{Path.GetFileName(target)}.old-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.Move(target, aside);
        try
        {
            Directory.Move(staging, target);
        }
        catch
        {
            Directory.Move(aside, target);
            throw;
        }
        TryDelete(aside);
    }

    /// <summary>Deletes a folder, ignoring failures (a leftover hidden folder is harmless).</summary>
    public static void TryDelete(string folder)
    {
        try
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A locked file keeps the hidden folder; the report itself is complete.
        }
    }

    private static void RequireReplaceable(string target)
    {
        if (File.Exists(target))
            throw new DaClipException($"Report folder '{target}' is a file. Choose a folder path, or delete the file.");
        if (!Directory.Exists(target) || !Directory.EnumerateFileSystemEntries(target).Any()) return;
        var json = Path.Combine(target, "report.json");
        if (File.Exists(json) && IsReport(json)) return;
        throw new DaClipException($"Folder '{target}' exists and is not a DaClip anomaly report (no report.json with format '{FormatName}'); " +
            "a report replaces only an empty folder or an earlier report. Choose another folder, or empty this one.");
    }

    private static bool IsReport(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(json));
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("format", out var format)
                && format.ValueKind == JsonValueKind.String
                && format.GetString() == FormatName;
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
