using DaClip.MLNet.IO;

namespace DaClip.MLNet.Data;

/// <summary>File-system helpers shared by the readers: image listing, case-tolerant folder lookup, root checks.</summary>
internal static class DatasetFiles
{
    /// <summary>Extensions taken as images (compared without regard to case).</summary>
    public static readonly IReadOnlySet<string> ImageExtensions =
        new HashSet<string>([".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff"], StringComparer.OrdinalIgnoreCase);

    /// <summary>True for a visible file with an image extension.</summary>
    public static bool IsImage(string path)
    {
        var name = Path.GetFileName(path);
        return name.Length > 0 && name[0] != '.' && ImageExtensions.Contains(Path.GetExtension(name));
    }

    /// <summary>The image files directly in <paramref name="dir"/>, ordinal order.</summary>
    public static List<string> Images(string dir) =>
        Directory.EnumerateFiles(dir).Where(IsImage).OrderBy(f => f, StringComparer.Ordinal).ToList();

    /// <summary>
    /// The visible sub-folders of <paramref name="dir"/>, ordinal order. A link to a folder is kept (datasets are often
    /// assembled from links, and the readers never search recursively) unless it leads back to <paramref name="dir"/> or a
    /// folder above it, which would be a loop.
    /// </summary>
    public static List<string> SubDirectories(string dir)
    {
        var real = ResolvedPaths.Resolve(dir);
        return Directory.EnumerateDirectories(dir)
            .Where(d => !Path.GetFileName(d).StartsWith('.'))
            .Where(d => !ResolvedPaths.IsDirectoryLink(d) || !ResolvedPaths.IsSameOrInside(real, ResolvedPaths.Resolve(d)))
            .OrderBy(d => d, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The sub-folder of <paramref name="dir"/> named <paramref name="name"/> (exact spelling first, then any letter case), or null.</summary>
    public static string? FindDirectory(string dir, string name) => Find(dir, name, Directory.Exists, Directory.EnumerateDirectories);

    /// <summary>The file in <paramref name="dir"/> named <paramref name="name"/> (exact spelling first, then any letter case), or null.</summary>
    public static string? FindFile(string dir, string name) => Find(dir, name, File.Exists, Directory.EnumerateFiles);

    private static string? Find(string dir, string name, Func<string, bool> exists, Func<string, IEnumerable<string>> list)
    {
        var exact = Path.Combine(dir, name);
        if (exists(exact)) return exact;
        if (!Directory.Exists(dir)) return null;
        return list(dir)
            .Where(p => string.Equals(Path.GetFileName(p), name, StringComparison.OrdinalIgnoreCase))
            .OrderBy(p => p, StringComparer.Ordinal)
            .FirstOrDefault();
    }

    /// <summary>The absolute path of <paramref name="root"/>; throws when it is not an existing folder.</summary>
    public static string RequireRoot(string root, string datasetName, string expectedLayout)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        var full = Path.GetFullPath(root);
        if (!Directory.Exists(full))
        {
            throw new DatasetLayoutException(full,
                File.Exists(full) ? $"is a file, not the {datasetName} folder." : $"does not exist, so it cannot be the {datasetName} folder.",
                $"pass the folder that holds {expectedLayout}.");
        }
        return full;
    }

    /// <summary>A path relative to <paramref name="root"/>, for messages.</summary>
    public static string Relative(string root, string path) => Path.GetRelativePath(root, path);

    /// <summary>Throws when a read produced no image at all.</summary>
    public static void RequireAny(IReadOnlyCollection<AnomalySample> samples, string root, string datasetName, string expectedLayout)
    {
        if (samples.Count == 0)
        {
            throw new DatasetLayoutException(root,
                $"holds no {datasetName} images (extensions {string.Join(", ", ImageExtensions)}) where they are expected.",
                $"check that the archive was fully extracted and that the root holds {expectedLayout}.");
        }
    }
}
