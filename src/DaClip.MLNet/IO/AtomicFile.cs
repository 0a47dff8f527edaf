using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace DaClip.MLNet.IO;

/// <summary>
/// Writes files so that readers never see a half-written one: a temporary file in the same folder, then a rename.
/// Temporary files are hidden and named <c>.&lt;file&gt;.&lt;process id&gt;.&lt;random&gt;.tmp</c>; those a killed
/// process left behind are removed by the next write to the same folder (see <see cref="CleanStaleTemporaries"/>).
/// </summary>
internal static partial class AtomicFile
{
    private static readonly DateTime ProcessStartUtc = Process.GetCurrentProcess().StartTime.ToUniversalTime();

    /// <summary>
    /// Creates <paramref name="path"/> through <paramref name="write"/>; on any exception the target is untouched and the
    /// temporary file removed. A file-system failure (a full disk, a refused rename) is an <see cref="IOException"/> that
    /// names <paramref name="path"/>, not the temporary file.
    /// </summary>
    public static void Write(string path, Action<Stream> write)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        CleanStaleTemporaries(dir);
        var tmp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(fs);
                fs.Flush(flushToDisk: true);
            }
            File.Move(tmp, full, overwrite: true);
        }
        catch (IOException e) when (e is not (FileNotFoundException or DirectoryNotFoundException) && e.Message.Contains(tmp, StringComparison.Ordinal))
        {
            throw new IOException($"Could not write '{full}': {e.Message.Replace($" : '{tmp}'", "", StringComparison.Ordinal).Replace(tmp, full, StringComparison.Ordinal)}. " +
                $"'{full}' was left as it was; free space or fix the folder's permissions and run again.", e);
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
    }

    /// <summary>Writes all bytes atomically.</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        var copy = bytes.ToArray();
        Write(path, s => s.Write(copy));
    }

    /// <summary>Writes text (UTF-8) atomically.</summary>
    public static void WriteAllText(string path, string text) =>
        WriteAllBytes(path, System.Text.Encoding.UTF8.GetBytes(text));

    /// <summary>
    /// Deletes the temporary files of this class in <paramref name="folder"/> that were last written before this process
    /// started and whose writing process is no longer running (killed mid-write: SIGKILL, power loss). A temporary file of
    /// a live process is never touched. Files that cannot be deleted are left.
    /// </summary>
    /// <returns>How many files were deleted.</returns>
    public static int CleanStaleTemporaries(string folder)
    {
        int deleted = 0;
        IEnumerable<string> candidates;
        try
        {
            candidates = Directory.EnumerateFiles(folder, ".*.tmp").ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
        foreach (var file in candidates)
        {
            var match = TemporaryName().Match(Path.GetFileName(file));
            if (!match.Success || !int.TryParse(match.Groups["pid"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int pid)) continue;
            try
            {
                if (File.GetLastWriteTimeUtc(file) >= ProcessStartUtc || (pid != Environment.ProcessId && IsRunning(pid))) continue;
                File.Delete(file);
                deleted++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Another process removed it first, or the folder does not allow it: leave it.
            }
        }
        return deleted;
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"^\..+\.(?<pid>[0-9]{1,10})\.[0-9a-f]{32}\.tmp$", RegexOptions.CultureInvariant)]
    private static partial Regex TemporaryName();
}
