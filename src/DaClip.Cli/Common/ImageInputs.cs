namespace DaClip.Cli.Common;

/// <summary>One image named on the command line: its path and a relative name for files derived from it (heatmaps).</summary>
/// <param name="Path">Absolute path of the image.</param>
/// <param name="Name">Relative name without extension, unique among the inputs: the file's name, or for an image found in a folder argument, the folder's name and the path below it.</param>
internal sealed record ImageInput(string Path, string Name);

/// <summary>Expands the image files and folders given to <c>daclip predict</c> into image files.</summary>
internal static class ImageInputs
{
    /// <summary>Extensions read as images: what the decoder handles (PNG, JPEG, BMP, GIF, WebP).</summary>
    public static readonly IReadOnlySet<string> Extensions =
        new HashSet<string>([".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp"], StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Files are taken as given; folders are searched recursively for images (hidden entries skipped, ordinal order).
    /// </summary>
    /// <exception cref="CliUsageException">A path does not exist, or a folder holds no image.</exception>
    public static IReadOnlyList<ImageInput> Expand(IEnumerable<string> arguments)
    {
        var inputs = new List<ImageInput>();
        var taken = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var argument in arguments)
        {
            var full = Path.GetFullPath(argument);
            if (File.Exists(full))
            {
                inputs.Add(new ImageInput(full, Unique(Path.GetFileNameWithoutExtension(full), taken)));
            }
            else if (Directory.Exists(full))
            {
                var folder = Path.GetFileName(Path.TrimEndingDirectorySeparator(full));
                var files = Directory.EnumerateFiles(full, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.Hidden })
                    .Where(f => Extensions.Contains(Path.GetExtension(f)) && !IsHidden(full, f))
                    .OrderBy(f => f, StringComparer.Ordinal)
                    .ToList();
                if (files.Count == 0)
                    throw new CliUsageException($"{argument}: the folder holds no image ({string.Join(", ", Extensions)}), searched recursively.");
                foreach (var f in files)
                {
                    var relative = Path.GetRelativePath(full, f);
                    var name = Path.Combine(folder, Path.ChangeExtension(relative, null));
                    inputs.Add(new ImageInput(f, Unique(name, taken)));
                }
            }
            else
            {
                throw new CliUsageException($"{argument}: no such file or folder ({full}). Give image files or folders of images.");
            }
        }
        return inputs;
    }

    /// <summary>True when a part of <paramref name="file"/> below <paramref name="root"/> starts with a dot.</summary>
    private static bool IsHidden(string root, string file) =>
        Path.GetRelativePath(root, file).Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar).Any(p => p.StartsWith('.'));

    private static string Unique(string name, HashSet<string> taken)
    {
        var candidate = name;
        for (int n = 2; !taken.Add(candidate); n++) candidate = $"{name}-{n}";
        return candidate;
    }
}
