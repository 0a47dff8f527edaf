using DaClip.MLNet.Build;
using DaClip.MLNet.Tests.Infrastructure;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Build;

/// <summary>The build step that lets TorchSharp 0.107 load on hosts whose libstdc++ predates GLIBCXX_3.4.32.</summary>
[TestClass]
public sealed class LibTorchSharpPatchTests
{
    private static string PackageCopy()
    {
        var root = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p
            ? p
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var file = Path.Combine(root, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Assert.IsTrue(File.Exists(file), $"TorchSharp's native library is restored at {file}");
        return file;
    }

    private static ushort Flags(string file, string version) =>
        ElfVersionPatcher.ReadVersionNeeds(file).Single(n => n.Item2 == version).Item3;

    [TestMethod]
    public void Pristine_library_needs_glibcxx_3_4_32_for_one_unrelocated_symbol_and_gets_it_marked_weak()
    {
        using var tmp = new TempDir("elf");
        var copy = tmp.File("libLibTorchSharp.so");
        File.Copy(PackageCopy(), copy);
        Assert.AreEqual(0, Flags(copy, "GLIBCXX_3.4.32") & ElfVersionPatcher.VerFlagWeak, "the released file has a hard need");

        var debian12 = ElfVersionPatcher.ReadVersionNeeds(copy).Select(n => n.Item2).Where(v => v != "GLIBCXX_3.4.32").ToHashSet();
        var result = ElfVersionPatcher.PatchFile(copy, debian12);
        Assert.IsTrue(result.Changed, result.Message);
        Assert.IsFalse(result.Refused);
        CollectionAssert.AreEqual(new[] { "GLIBCXX_3.4.32" }, result.Versions);
        StringAssert.Contains(result.Message, "1 symbol(s)");
        Assert.AreEqual(ElfVersionPatcher.VerFlagWeak, Flags(copy, "GLIBCXX_3.4.32") & ElfVersionPatcher.VerFlagWeak);

        var original = File.ReadAllBytes(PackageCopy());
        var patched = File.ReadAllBytes(copy);
        Assert.AreEqual(original.Length, patched.Length);
        Assert.AreEqual(1, original.Zip(patched).Count(p => p.First != p.Second), "exactly one byte (the flags) changes");

        var again = ElfVersionPatcher.PatchFile(copy, debian12);
        Assert.IsFalse(again.Changed);
        StringAssert.Contains(again.Message, "already patched");
    }

    [TestMethod]
    public void A_host_with_every_version_leaves_the_file_alone()
    {
        using var tmp = new TempDir("elf");
        var copy = tmp.File("libLibTorchSharp.so");
        File.Copy(PackageCopy(), copy);
        var all = ElfVersionPatcher.ReadVersionNeeds(copy).Select(n => n.Item2).ToHashSet();
        var result = ElfVersionPatcher.PatchFile(copy, all);
        Assert.IsFalse(result.Changed);
        CollectionAssert.AreEqual(File.ReadAllBytes(PackageCopy()), File.ReadAllBytes(copy));
    }

    [TestMethod]
    public void A_missing_version_whose_symbols_are_relocated_is_refused_and_nothing_is_written()
    {
        using var tmp = new TempDir("elf");
        var copy = tmp.File("libLibTorchSharp.so");
        File.Copy(PackageCopy(), copy);
        // Pretend the host also lacks GLIBCXX_3.4.21, whose symbols (std::__cxx11::basic_string...) are really bound.
        var host = ElfVersionPatcher.ReadVersionNeeds(copy).Select(n => n.Item2).Where(v => v is not "GLIBCXX_3.4.32" and not "GLIBCXX_3.4.21").ToHashSet();
        var result = ElfVersionPatcher.PatchFile(copy, host);
        Assert.IsTrue(result.Refused, result.Message);
        Assert.IsFalse(result.Changed);
        StringAssert.Contains(result.Message, "relocated");
        CollectionAssert.AreEqual(File.ReadAllBytes(PackageCopy()), File.ReadAllBytes(copy));
    }

    [TestMethod]
    public void The_build_output_copy_matches_the_host()
    {
        var output = Path.Combine(AppContext.BaseDirectory, "libLibTorchSharp.so");
        Assert.IsTrue(File.Exists(output), output);
        var host = ElfVersionPatcher.FindHostLibStdCxx();
        Assert.IsNotNull(host, "a libstdc++.so.6 on this Linux host");
        bool hostHas = ElfVersionPatcher.ReadVersionDefinitions(host).Contains("GLIBCXX_3.4.32");
        int weak = Flags(output, "GLIBCXX_3.4.32") & ElfVersionPatcher.VerFlagWeak;
        Assert.AreEqual(hostHas ? 0 : ElfVersionPatcher.VerFlagWeak, weak, $"host {host} has GLIBCXX_3.4.32: {hostHas}");
    }
}
