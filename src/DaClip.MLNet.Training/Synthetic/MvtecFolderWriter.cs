using System.Runtime.ExceptionServices;
using DaClip.MLNet.IO;

namespace DaClip.MLNet.Training.Synthetic;

/// <summary>Writes images into an MVTec-AD folder through a staging folder that is moved into place only when complete.</summary>
internal static class MvtecFolderWriter
{
    /// <summary>Renders <paramref name="entries"/> in parallel (each image is independent, so the files do not depend on the order) and publishes the folder.</summary>
    public static void Write<T>(IReadOnlyList<T> entries, Func<T, SyntheticImage> render, string root, bool overwrite)
    {
        var target = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        if (File.Exists(target))
            throw new DaClipException($"{target}: this is a file; give a folder path for the synthetic dataset.");
        var exists = Directory.Exists(target);
        if (exists && !overwrite && Directory.EnumerateFileSystemEntries(target).Any())
            throw new DaClipException($"{target}: the folder exists and is not empty; choose a new folder, empty it, or pass overwrite: true to replace it.");
        var parent = Path.GetDirectoryName(target)
            ?? throw new DaClipException($"{target}: a dataset cannot be written to a file-system root; give a sub-folder.");
        Directory.CreateDirectory(parent);

        var tag = $"{Environment.ProcessId}.{Guid.NewGuid():N}";
        var staging = Path.Combine(parent, $".{Path.GetFileName(target)}.{tag}.tmp");
        var backup = Path.Combine(parent, $".{Path.GetFileName(target)}.{tag}.old");
        try
        {
            Directory.CreateDirectory(staging);
            try
            {
                Parallel.ForEach(entries, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, entry =>
                {
                    var image = render(entry);
                    AtomicFile.WriteAllBytes(Path.Combine(staging, image.RelativePath), image.EncodePng());
                    if (image.MaskRelativePath is { } maskPath)
                        AtomicFile.WriteAllBytes(Path.Combine(staging, maskPath), image.EncodeMaskPng());
                });
            }
            catch (AggregateException e) when (e.InnerExceptions.Count > 0)
            {
                ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
            }
            if (exists) Directory.Move(target, backup);
            try
            {
                Directory.Move(staging, target);
            }
            catch
            {
                if (exists) Directory.Move(backup, target);
                throw;
            }
            if (exists) Directory.Delete(backup, recursive: true);
        }
        finally
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        }
    }
}
