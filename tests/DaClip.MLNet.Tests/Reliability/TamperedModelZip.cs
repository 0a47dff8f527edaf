using System.IO.Compression;

namespace DaClip.MLNet.Tests.Reliability;

/// <summary>Damages ML.NET model zips in the ways a user's disk, editor or transfer can.</summary>
internal static class TamperedModelZip
{
    /// <summary>Copies <paramref name="source"/> to <paramref name="target"/> with every entry whose name is <paramref name="entryName"/> filled with seeded random bytes.</summary>
    public static void RandomizeEntries(string source, string target, string entryName, int seed)
    {
        File.Copy(source, target, overwrite: true);
        var rng = new Random(seed);
        using var zip = ZipFile.Open(target, ZipArchiveMode.Update);
        foreach (var entry in zip.Entries.Where(e => e.Name == entryName).ToList())
        {
            var name = entry.FullName;
            long length = Math.Max(8, entry.Length);
            entry.Delete();
            var bytes = new byte[length];
            rng.NextBytes(bytes);
            using var stream = zip.CreateEntry(name).Open();
            stream.Write(bytes);
        }
    }

    /// <summary>Copies <paramref name="source"/> to <paramref name="target"/> without the entries named <paramref name="entryName"/>; returns how many were removed.</summary>
    public static int RemoveEntries(string source, string target, string entryName)
    {
        File.Copy(source, target, overwrite: true);
        using var zip = ZipFile.Open(target, ZipArchiveMode.Update);
        var doomed = zip.Entries.Where(e => e.Name == entryName).ToList();
        foreach (var entry in doomed) entry.Delete();
        return doomed.Count;
    }

    /// <summary>Copies <paramref name="source"/> to <paramref name="target"/> with <paramref name="count"/> bytes at seeded random positions inverted.</summary>
    public static void FlipBytes(string source, string target, int count, int seed)
    {
        var bytes = File.ReadAllBytes(source);
        var rng = new Random(seed);
        for (int i = 0; i < count; i++) bytes[rng.Next(bytes.Length)] ^= 0xFF;
        File.WriteAllBytes(target, bytes);
    }
}
