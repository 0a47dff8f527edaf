using DaClip.MLNet.IO;

namespace DaClip.Cli.Common;

/// <summary>One input of a verb, for <see cref="OutputPathGuard"/>: how the command line names it (e.g. "--model") and its path.</summary>
/// <param name="Name">The option or argument that gave it.</param>
/// <param name="Path">The file or folder.</param>
internal sealed record GuardedInput(string Name, string Path);

/// <summary>
/// The checks every verb that writes makes on its output locations before any work: the location can be written (not an
/// existing folder, not below a file, its nearest existing folder accepts a file), and it is not one of the verb's
/// inputs after full-path and symbolic-link resolution, so that no output ever replaces what the user gave to be read.
/// Failures are <see cref="CliUsageException"/>s (exit 2) naming the output and the input.
/// </summary>
internal static class OutputPathGuard
{
    /// <summary>Throws when the file <paramref name="output"/> given by <paramref name="option"/> resolves onto one of <paramref name="inputs"/>, or is inside an input folder given as such.</summary>
    public static void RefuseInputs(string option, string output, IEnumerable<GuardedInput> inputs)
    {
        var resolved = ResolvedPaths.Resolve(output);
        foreach (var input in inputs)
        {
            var source = ResolvedPaths.Resolve(input.Path);
            if (ResolvedPaths.Comparer.Equals(resolved, source))
                throw new CliUsageException($"{option} {output} is the input {input.Name} {input.Path}{Via(output, resolved, input.Path, source)}: writing there would destroy it. Choose another output path.");
        }
    }

    /// <summary>
    /// Throws when the output folder <paramref name="folder"/> given by <paramref name="option"/> is or lies inside one of the
    /// input folders <paramref name="inputFolders"/>: its files would mix with the inputs, and a rerun would read them as input.
    /// </summary>
    public static void RefuseInsideInputs(string option, string folder, IEnumerable<GuardedInput> inputFolders)
    {
        var resolved = ResolvedPaths.Resolve(folder);
        foreach (var input in inputFolders)
        {
            var source = ResolvedPaths.Resolve(input.Path);
            if (Directory.Exists(source) && ResolvedPaths.IsSameOrInside(resolved, source))
                throw new CliUsageException($"{option} {folder} {(ResolvedPaths.Comparer.Equals(resolved, source) ? "is" : "is inside")} the input {input.Name} {input.Path}" +
                    $"{Via(folder, resolved, input.Path, source)}: the output would mix with what is read. Choose an output folder outside the inputs.");
        }
    }

    /// <summary>
    /// Throws when the output folder <paramref name="folder"/> given by <paramref name="option"/> holds one of
    /// <paramref name="inputs"/> (for verbs that replace the folder's contents).
    /// </summary>
    public static void RefuseHoldingInputs(string option, string folder, IEnumerable<GuardedInput> inputs)
    {
        var resolved = ResolvedPaths.Resolve(folder);
        foreach (var input in inputs)
        {
            var source = ResolvedPaths.Resolve(input.Path);
            if (ResolvedPaths.IsSameOrInside(source, resolved))
                throw new CliUsageException($"{option} {folder} holds the input {input.Name} {input.Path}{Via(folder, resolved, input.Path, source)}: " +
                    "writing the folder would replace it. Choose an output folder outside the inputs.");
        }
    }

    /// <summary>
    /// Throws unless a file can be created at <paramref name="path"/>: it is not a folder, no part of its folder is a
    /// file, and the nearest existing folder above it accepts a new file (checked by creating and deleting a probe file).
    /// </summary>
    public static void RequireWritableFile(string option, string path)
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new CliUsageException($"{option} {path} is a folder: give the path of the file to write.");
        RequireWritableFolder(option, path, Path.GetDirectoryName(full)!);
    }

    /// <summary>Throws unless files can be created in the folder <paramref name="path"/> (or, when it does not exist yet, in the nearest existing folder above it).</summary>
    public static void RequireWritableFolder(string option, string path) => RequireWritableFolder(option, path, Path.GetFullPath(path));

    private static void RequireWritableFolder(string option, string given, string folder)
    {
        var existing = folder;
        while (!Directory.Exists(existing))
        {
            if (File.Exists(existing))
                throw new CliUsageException($"{option} {given}: {existing} is a file, so nothing can be written below it. Give a path in a folder.");
            existing = Path.GetDirectoryName(existing) ?? throw new CliUsageException($"{option} {given}: no folder of this path exists.");
        }
        var probe = Path.Combine(existing, $".daclip-write-check-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            using (File.Create(probe, 1, FileOptions.DeleteOnClose)) { }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliUsageException($"{option} {given}: the folder {existing} does not accept new files ({e.Message}). Choose a writable location.");
        }
    }

    private static string Via(string output, string resolvedOutput, string input, string resolvedInput)
    {
        bool outputLinked = !ResolvedPaths.Comparer.Equals(Path.GetFullPath(output), resolvedOutput);
        bool inputLinked = !ResolvedPaths.Comparer.Equals(Path.GetFullPath(input), resolvedInput);
        return outputLinked || inputLinked ? $" (both resolve to {resolvedInput})" : "";
    }
}
