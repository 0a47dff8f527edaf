namespace DaClip.MLNet.IO;

/// <summary>
/// Paths with every symbolic link resolved (the file's real location), for the checks that two paths are the same file
/// (an output must never be one of the inputs; an image reached twice through links is read once).
/// </summary>
internal static class ResolvedPaths
{
    /// <summary>Links followed in one path before it is taken as a loop, as the Linux kernel does (ELOOP).</summary>
    private const int MaxLinks = 40;

    /// <summary>How this platform compares paths: ordinal, ignoring case on Windows and macOS.</summary>
    public static StringComparer Comparer { get; } = OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;

    /// <summary>
    /// The absolute path of <paramref name="path"/> with every symbolic link in it resolved, component by component. The
    /// part that does not exist yet is kept as written; a chain of more than 40 links (a loop) is left unresolved from there.
    /// </summary>
    public static string Resolve(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path);
        var current = Path.GetPathRoot(full)!;
        var parts = Split(full[current.Length..]);
        int links = 0;
        for (int i = 0; i < parts.Count; i++)
        {
            var next = Path.Combine(current, parts[i]);
            var target = LinkTarget(next);
            if (target is null || ++links > MaxLinks)
            {
                current = next;
                continue;
            }
            var resolved = Path.GetFullPath(target, current);
            var root = Path.GetPathRoot(resolved)!;
            parts = [.. Split(resolved[root.Length..]), .. parts.Skip(i + 1)];
            current = root;
            i = -1;
        }
        return current;
    }

    /// <summary>True when <paramref name="path"/> is <paramref name="folder"/> or lies below it (both already resolved).</summary>
    public static bool IsSameOrInside(string path, string folder)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(folder);
        if (Comparer.Equals(path, folder)) return true;
        var prefix = Path.EndsInDirectorySeparator(folder) ? folder : folder + Path.DirectorySeparatorChar;
        return path.StartsWith(prefix, Comparer == StringComparer.Ordinal ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>True when <paramref name="path"/> is itself a symbolic link (or junction) to a folder.</summary>
    public static bool IsDirectoryLink(string path)
    {
        try
        {
            var info = new DirectoryInfo(path);
            return info.Exists && info.LinkTarget is not null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static string? LinkTarget(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static List<string> Split(string relative) =>
        [.. relative.Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries)];
}
