// MSBuild task (compiled by RoslynCodeTaskFactory from DaClip.MLNet.Training.targets, and linked into the tests).
// DaClip.MLNet.Training also compiles the patcher itself (DACLIP_RUNTIME, internal) for hosts without a build step,
// such as a notebook that loads the packages with #r "nuget:" (LibTorchSharpPreload).
// TorchSharp 0.107's libLibTorchSharp.so is linked with GCC 13 and records a need for GLIBCXX_3.4.32 solely for
// std::ios_base_library_init(), a symbol that no relocation uses. Hosts with an older libstdc++ (Debian 12: 3.4.30)
// refuse to load it. Marking such a version need weak (VER_FLG_WEAK in .gnu.version_r) lets the loader accept the
// library; this is only done when every symbol bound to a missing version has no relocation, i.e. is never resolved.
#nullable enable
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
#if !DACLIP_RUNTIME
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
#endif

#if DACLIP_RUNTIME
namespace DaClip.MLNet.Training.NativeLoading
#else
namespace DaClip.MLNet.Build
#endif
{
#if !DACLIP_RUNTIME
    /// <summary>Marks the unneeded GLIBCXX version needs of libLibTorchSharp.so weak when the host libstdc++ lacks them.</summary>
    public class PatchLibTorchSharpVersionNeeds : Microsoft.Build.Utilities.Task
    {
        /// <summary>Folders to scan (recursively) for libLibTorchSharp.so.</summary>
        [Required]
        public string[] Directories { get; set; } = Array.Empty<string>();

        /// <summary>Optional path of the host libstdc++.so.6; found through ldconfig when empty.</summary>
        public string HostLibStdCxx { get; set; } = "";

        /// <inheritdoc />
        public override bool Execute()
        {
            var files = Directories.Where(Directory.Exists)
                .SelectMany(d => Directory.EnumerateFiles(d, "libLibTorchSharp.so", SearchOption.AllDirectories))
                .Distinct().ToList();
            if (files.Count == 0) return true;

            string? host = string.IsNullOrEmpty(HostLibStdCxx) ? ElfVersionPatcher.FindHostLibStdCxx() : HostLibStdCxx;
            if (host == null || !File.Exists(host))
            {
                Log.LogMessage(MessageImportance.High, "DaClip: no host libstdc++.so.6 found; libLibTorchSharp.so left unchanged.");
                return true;
            }
            HashSet<string> provided;
            try { provided = ElfVersionPatcher.ReadVersionDefinitions(host); }
            catch (Exception e)
            {
                Log.LogWarning("DaClip: could not read the version definitions of {0} ({1}); libLibTorchSharp.so left unchanged.", host, e.Message);
                return true;
            }

            foreach (var file in files)
            {
                var result = ElfVersionPatcher.PatchFile(file, provided);
                Log.LogMessage(result.Changed ? MessageImportance.High : MessageImportance.Normal, "DaClip: {0}: {1}", file, result.Message);
                if (result.Refused) Log.LogWarning("DaClip: {0}: {1}", file, result.Message);
            }
            return true;
        }
    }

#endif

    /// <summary>Outcome of <see cref="ElfVersionPatcher.PatchFile"/>.</summary>
#if DACLIP_RUNTIME
    internal
#else
    public
#endif
    sealed class ElfPatchResult
    {
        /// <summary>The file was rewritten.</summary>
        public bool Changed { get; set; }
        /// <summary>A patch was needed but is unsafe (a relocation uses a missing version), so nothing was written.</summary>
        public bool Refused { get; set; }
        /// <summary>What was done and why.</summary>
        public string Message { get; set; } = "";
        /// <summary>The version needs that were (or would have been) marked weak.</summary>
        public List<string> Versions { get; } = new List<string>();
    }

    /// <summary>Minimal ELF64 little-endian reader/writer for symbol version records.</summary>
#if DACLIP_RUNTIME
    internal
#else
    public
#endif
    static class ElfVersionPatcher
    {
        private const uint ShtRela = 4, ShtRel = 9, ShtDynsym = 11, ShtVerdef = 0x6ffffffd, ShtVerneed = 0x6ffffffe, ShtVersym = 0x6fffffff;
        /// <summary>VER_FLG_WEAK.</summary>
        public const ushort VerFlagWeak = 0x2;

        private sealed class Section
        {
            public uint Type;
            public long Offset;
            public long Size;
            public uint Link;
            public long EntSize;
        }

        /// <summary>The path of the libstdc++.so.6 the dynamic loader would pick, or null.</summary>
        public static string? FindHostLibStdCxx()
        {
            try
            {
                var psi = new ProcessStartInfo("ldconfig", "-p") { RedirectStandardOutput = true, UseShellExecute = false };
                using (var p = Process.Start(psi)!)
                {
                    string output = p.StandardOutput.ReadToEnd();
                    p.WaitForExit();
                    foreach (var line in output.Split('\n'))
                    {
                        if (!line.TrimStart().StartsWith("libstdc++.so.6 ", StringComparison.Ordinal)) continue;
                        if (IntPtr.Size == 8 && !line.Contains("x86-64") && !line.Contains("AArch64")) continue;
                        int arrow = line.IndexOf("=>", StringComparison.Ordinal);
                        if (arrow > 0)
                        {
                            var path = line.Substring(arrow + 2).Trim();
                            if (File.Exists(path)) return path;
                        }
                    }
                }
            }
            catch (Exception) { }
            foreach (var p in new[] { "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6", "/usr/lib/aarch64-linux-gnu/libstdc++.so.6", "/usr/lib/libstdc++.so.6" })
                if (File.Exists(p)) return p;
            return null;
        }

        /// <summary>The version names a shared library defines (.gnu.version_d).</summary>
        public static HashSet<string> ReadVersionDefinitions(string path)
        {
            var data = File.ReadAllBytes(path);
            var sections = ReadSections(data, path);
            var result = new HashSet<string>(StringComparer.Ordinal);
            foreach (var s in sections.Where(x => x.Type == ShtVerdef))
            {
                var strtab = sections[(int)s.Link];
                long p = s.Offset;
                while (true)
                {
                    ushort cnt = U16(data, p + 6);
                    uint aux = U32(data, p + 12);
                    uint next = U32(data, p + 16);
                    if (cnt > 0) result.Add(CString(data, strtab.Offset + U32(data, p + aux)));
                    if (next == 0) break;
                    p += next;
                }
            }
            return result;
        }

        /// <summary>The version needs (file, version name, flags) of a shared library (.gnu.version_r).</summary>
        public static List<Tuple<string, string, ushort>> ReadVersionNeeds(string path)
        {
            var data = File.ReadAllBytes(path);
            var sections = ReadSections(data, path);
            var list = new List<Tuple<string, string, ushort>>();
            foreach (var n in EnumerateNeeds(data, sections))
                list.Add(Tuple.Create(n.File, n.Name, U16(data, n.FlagsOffset)));
            return list;
        }

        private sealed class Need
        {
            public string File = "";
            public string Name = "";
            public long FlagsOffset;
            public ushort Index;
        }

        private static IEnumerable<Need> EnumerateNeeds(byte[] data, List<Section> sections)
        {
            foreach (var s in sections.Where(x => x.Type == ShtVerneed))
            {
                var strtab = sections[(int)s.Link];
                long p = s.Offset;
                while (true)
                {
                    ushort cnt = U16(data, p + 2);
                    string file = CString(data, strtab.Offset + U32(data, p + 4));
                    long a = p + U32(data, p + 8);
                    for (int i = 0; i < cnt; i++)
                    {
                        yield return new Need { File = file, Name = CString(data, strtab.Offset + U32(data, a + 8)), FlagsOffset = a + 4, Index = (ushort)(U16(data, a + 6) & 0x7fff) };
                        uint anext = U32(data, a + 12);
                        if (anext == 0) break;
                        a += anext;
                    }
                    uint next = U32(data, p + 12);
                    if (next == 0) break;
                    p += next;
                }
            }
        }

        /// <summary>
        /// Marks weak every GLIBCXX/CXXABI version need of <paramref name="path"/> that <paramref name="hostVersions"/> lacks,
        /// provided no relocation references a symbol bound to such a version. Writes atomically; keeps the timestamp.
        /// </summary>
        public static ElfPatchResult PatchFile(string path, ISet<string> hostVersions)
        {
            var result = new ElfPatchResult();
            var data = File.ReadAllBytes(path);
            var sections = ReadSections(data, path);
            var missing = EnumerateNeeds(data, sections)
                .Where(n => n.File.StartsWith("libstdc++", StringComparison.Ordinal) && !hostVersions.Contains(n.Name))
                .ToList();
            var pending = missing.Where(n => (U16(data, n.FlagsOffset) & VerFlagWeak) == 0).ToList();
            result.Versions.AddRange(missing.Select(n => n.Name));
            if (missing.Count == 0)
            {
                result.Message = "the host libstdc++ provides every version it needs; left unchanged.";
                return result;
            }
            if (pending.Count == 0)
            {
                result.Message = "already patched (" + string.Join(", ", missing.Select(n => n.Name)) + " marked weak).";
                return result;
            }

            // Symbols bound to the missing versions, and whether any relocation uses them.
            var dynsym = sections.FirstOrDefault(x => x.Type == ShtDynsym);
            var versym = sections.FirstOrDefault(x => x.Type == ShtVersym);
            if (dynsym == null || versym == null)
            {
                result.Refused = true;
                result.Message = "no .dynsym/.gnu.version section; left unchanged.";
                return result;
            }
            int dynsymIndex = sections.IndexOf(dynsym);
            var indices = new HashSet<ushort>(pending.Select(n => n.Index));
            var bound = new HashSet<long>();
            long nsyms = dynsym.Size / 24;
            for (long i = 0; i < nsyms; i++)
                if (indices.Contains((ushort)(U16(data, versym.Offset + 2 * i) & 0x7fff))) bound.Add(i);

            var dynstr = sections[(int)dynsym.Link];
            foreach (var r in sections.Where(x => (x.Type == ShtRela || x.Type == ShtRel) && x.Link == dynsymIndex))
            {
                long entsize = r.EntSize > 0 ? r.EntSize : (r.Type == ShtRela ? 24 : 16);
                for (long off = r.Offset; off + entsize <= r.Offset + r.Size; off += entsize)
                {
                    long sym = (long)(U64(data, off + 8) >> 32);
                    if (bound.Contains(sym))
                    {
                        string name = CString(data, dynstr.Offset + U32(data, dynsym.Offset + 24 * sym));
                        result.Refused = true;
                        result.Message = $"needs {string.Join(", ", pending.Select(n => n.Name))} which the host libstdc++ lacks, and symbol {name} of that version is relocated, so it is really used: left unchanged. Install a newer libstdc++ (GCC 13+) instead.";
                        return result;
                    }
                }
            }

            foreach (var n in pending)
            {
                ushort flags = (ushort)(U16(data, n.FlagsOffset) | VerFlagWeak);
                data[n.FlagsOffset] = (byte)(flags & 0xff);
                data[n.FlagsOffset + 1] = (byte)(flags >> 8);
            }
            var stamp = File.GetLastWriteTimeUtc(path);
            var tmp = path + ".daclip-tmp";
            File.WriteAllBytes(tmp, data);
            File.Copy(tmp, path, true);
            File.Delete(tmp);
            File.SetLastWriteTimeUtc(path, stamp);
            result.Changed = true;
            result.Message = $"marked the version need(s) {string.Join(", ", pending.Select(n => n.Name))} weak: the host libstdc++ lacks them and none of their {bound.Count} symbol(s) is relocated.";
            return result;
        }

        private static List<Section> ReadSections(byte[] d, string path)
        {
            if (d.Length < 64 || d[0] != 0x7f || d[1] != (byte)'E' || d[2] != (byte)'L' || d[3] != (byte)'F')
                throw new InvalidDataException(path + " is not an ELF file.");
            if (d[4] != 2 || d[5] != 1) throw new InvalidDataException(path + " is not a little-endian ELF64 file.");
            long shoff = (long)U64(d, 0x28);
            ushort shentsize = U16(d, 0x3a), shnum = U16(d, 0x3c);
            var list = new List<Section>();
            for (int i = 0; i < shnum; i++)
            {
                long h = shoff + (long)i * shentsize;
                list.Add(new Section { Type = U32(d, h + 4), Offset = (long)U64(d, h + 0x18), Size = (long)U64(d, h + 0x20), Link = U32(d, h + 0x28), EntSize = (long)U64(d, h + 0x38) });
            }
            return list;
        }

        private static ushort U16(byte[] d, long o) => (ushort)(d[o] | d[o + 1] << 8);
        private static uint U32(byte[] d, long o) => (uint)(d[o] | d[o + 1] << 8 | d[o + 2] << 16 | d[o + 3] << 24);
        private static ulong U64(byte[] d, long o) => U32(d, o) | (ulong)U32(d, o + 4) << 32;

        private static string CString(byte[] d, long o)
        {
            long e = o;
            while (d[e] != 0) e++;
            return Encoding.ASCII.GetString(d, (int)o, (int)(e - o));
        }
    }
}
