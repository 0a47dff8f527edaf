using System.Runtime.InteropServices;
using TorchSharp;

namespace DaClip.MLNet.Training.NativeLoading;

/// <summary>
/// Makes libtorch load on Debian 12 when there was no build step to patch it: a notebook or script that loads the
/// packages with <c>#r "nuget: ..."</c> runs TorchSharp.dll straight from the NuGet cache, and TorchSharp 0.107 then
/// copies its unpatched <c>libLibTorchSharp.so</c> beside libtorch and fails to load it (GLIBCXX_3.4.32, see
/// docs/troubleshooting.md). Before TorchSharp's first use, when TorchSharp.dll has no native library beside it (so it
/// is not an application's build output, which the package's build step patched) and the host's libstdc++ lacks a
/// version the library names, this patches a copy in a per-user cache folder and loads it, after libtorch, by full
/// path; TorchSharp's own load by name then finds these already-loaded libraries. Linux x64 with TorchSharp-cpu only.
/// </summary>
internal static class LibTorchSharpPreload
{
    private const string LibTorchSharp = "libLibTorchSharp.so";

    /// <summary>Preloads when needed; returns what was done (null: nothing to do) and never throws.</summary>
    public static string? Run()
    {
        try
        {
            return TryPreload();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or DllNotFoundException or BadImageFormatException or InvalidDataException)
        {
            return $"preloading a patched {LibTorchSharp} failed ({e.Message}); TorchSharp loads its own copy";
        }
    }

    private static string? TryPreload()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64) return null;
        string? managedFolder = Path.GetDirectoryName(typeof(torch).Assembly.Location);
        if (string.IsNullOrEmpty(managedFolder) || File.Exists(Path.Combine(managedFolder, LibTorchSharp))) return null;

        // The NuGet cache layout: <root>/torchsharp/<version>/lib/<tfm>/TorchSharp.dll.
        var versionFolder = Directory.GetParent(managedFolder)?.Parent;
        var root = versionFolder?.Parent?.Parent;
        if (versionFolder is null || root is null) return null;
        string original = Path.Combine(versionFolder.FullName, "runtimes", "linux-x64", "native", LibTorchSharp);
        string libtorchPackage = Path.Combine(root.FullName, "libtorch-cpu-linux-x64");
        if (!File.Exists(original) || !Directory.Exists(libtorchPackage)) return null;
        string? libtorch = Directory.GetDirectories(libtorchPackage).Order(StringComparer.Ordinal)
            .Select(v => Path.Combine(v, "runtimes", "linux-x64", "native")).LastOrDefault(d => File.Exists(Path.Combine(d, "libtorch_cpu.so")));
        if (libtorch is null) return null;

        string? host = ElfVersionPatcher.FindHostLibStdCxx();
        if (host is null) return null;
        var provided = ElfVersionPatcher.ReadVersionDefinitions(host);
        bool needsPatch = ElfVersionPatcher.ReadVersionNeeds(original)
            .Any(n => n.Item2.StartsWith("GLIBCXX_", StringComparison.Ordinal) && !provided.Contains(n.Item2));
        if (!needsPatch) return null;

        string cache = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "daclip", "native",
            $"torchsharp-{versionFolder.Name}-{new FileInfo(original).Length}");
        string patched = Path.Combine(cache, LibTorchSharp);
        if (!File.Exists(patched))
        {
            Directory.CreateDirectory(cache);
            string temporary = patched + "." + Environment.ProcessId + ".tmp";
            File.Copy(original, temporary, overwrite: true);
            var result = ElfVersionPatcher.PatchFile(temporary, provided);
            if (!result.Changed)
            {
                File.Delete(temporary);
                return $"{LibTorchSharp} not patched: {result.Message}";
            }
            File.Move(temporary, patched, overwrite: true);
        }
        foreach (var name in new[] { "libc10.so", "libtorch_cpu.so", "libtorch.so" })
            NativeLibrary.Load(Path.Combine(libtorch, name));
        NativeLibrary.Load(patched);
        return $"loaded {patched} (patched for this host's libstdc++) with libtorch from {libtorch}";
    }
}
