using DaClip.MLNet.IO;

namespace DaClip.Cli.Common;

/// <summary>One image named on the command line: its path and a relative name for files derived from it (heatmaps).</summary>
/// <param name="Path">Absolute path of the image.</param>
/// <param name="Name">Relative name without extension, unique among the inputs: the file's name, or for an image found in a folder argument, the folder's name and the path below it.</param>
internal sealed record ImageInput(string Path, string Name);

/// <summary>Expands the image files and folders given to <c>daclip predict</c> into image files.</summary>
internal static class ImageInputs
{
    /// <summary>Extensions read as images: what the decoder handles (PNG, JPEG, BMP, GIF, WebP, TIFF).</summary>
    public static readonly IReadOnlySet<string> Extensions =
        new HashSet<string>([".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff"], StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Files are taken as given; folders are searched recursively for images (hidden entries skipped, ordinal order).
    /// Links to folders inside a folder argument are not followed unless <paramref name="followLinks"/>, and then each
    /// real folder is searched once (a link loop ends); a file reached twice (named twice, or through a link) is scored once,
    /// under its first name.
    /// </summary>
    /// <exception cref="CliUsageException">A path does not exist, or a folder holds no image.</exception>
    public static IReadOnlyList<ImageInput> Expand(IEnumerable<string> arguments, bool followLinks = false)
    {
        var inputs = new List<ImageInput>();
        var taken = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var seen = new HashSet<string>(ResolvedPaths.Comparer);
        foreach (var argument in arguments)
        {
            var full = Path.GetFullPath(argument);
            if (File.Exists(full))
            {
                if (seen.Add(ResolvedPaths.Resolve(full))) inputs.Add(new ImageInput(full, Unique(Path.GetFileNameWithoutExtension(full), taken)));
            }
            else if (Directory.Exists(full))
            {
                var folder = Path.GetFileName(Path.TrimEndingDirectorySeparator(full));
                var files = Search(full, followLinks);
                if (files.Count == 0)
                    throw new CliUsageException($"{argument}: the folder holds no image ({string.Join(", ", Extensions)}), searched recursively" +
                        (followLinks ? "." : " without following links to folders (--follow-links follows them)."));
                foreach (var f in files)
                {
                    if (!seen.Add(ResolvedPaths.Resolve(f))) continue;
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

    /// <summary>The visible image files below <paramref name="root"/>, in ordinal order; each real folder is searched once.</summary>
    private static List<string> Search(string root, bool followLinks)
    {
        var files = new List<string>();
        var searched = new HashSet<string>(ResolvedPaths.Comparer) { ResolvedPaths.Resolve(root) };
        var pending = new Stack<string>();
        pending.Push(root);
        var options = new EnumerationOptions { RecurseSubdirectories = false, AttributesToSkip = FileAttributes.Hidden, IgnoreInaccessible = true };
        while (pending.Count > 0)
        {
            var dir = pending.Pop();
            files.AddRange(Directory.EnumerateFiles(dir, "*", options).Where(f => Extensions.Contains(Path.GetExtension(f)) && !Path.GetFileName(f).StartsWith('.') && File.Exists(f)));
            foreach (var sub in Directory.EnumerateDirectories(dir, "*", options).Where(d => !Path.GetFileName(d).StartsWith('.')))
            {
                if (ResolvedPaths.IsDirectoryLink(sub) && !followLinks) continue;
                if (searched.Add(ResolvedPaths.Resolve(sub))) pending.Push(sub);
            }
        }
        files.Sort(StringComparer.Ordinal);
        return files;
    }

    private static string Unique(string name, HashSet<string> taken)
    {
        var candidate = name;
        for (int n = 2; !taken.Add(candidate); n++) candidate = $"{name}-{n}";
        return candidate;
    }
}
