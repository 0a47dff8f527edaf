using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using DaClip.MLNet.IO;

namespace DaClip.MLNet.Training;

/// <summary>
/// Stores the frozen vision tower's outputs per image (the normalised patch features of every tap and the global
/// feature), so epochs after the first skip the backbone. Keys come from <see cref="Key"/>: the backbone fingerprint,
/// the feature-defining options and the image's pixel content, so a changed image or model never reuses stale features.
/// </summary>
internal interface IFeatureCache : IDisposable
{
    /// <summary>The cached features of <paramref name="key"/>, if present.</summary>
    bool TryGet(string key, out float[] patches, out float[] global);

    /// <summary>Stores features under <paramref name="key"/>.</summary>
    void Put(string key, float[] patches, float[] global);

    /// <summary>
    /// The cache key: SHA-256 of the backbone fingerprint, the feature settings and the preprocessed pixels.
    /// </summary>
    public static string Key(string backboneFingerprint, string featureSettings, ReadOnlySpan<float> pixels)
    {
        using var h = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        h.AppendData(System.Text.Encoding.UTF8.GetBytes(backboneFingerprint + "|" + featureSettings + "|"));
        h.AppendData(MemoryMarshal.AsBytes(pixels));
        return Convert.ToHexStringLower(h.GetHashAndReset());
    }
}

/// <summary>float32 features in memory.</summary>
internal sealed class MemoryFeatureCache : IFeatureCache
{
    private readonly ConcurrentDictionary<string, (float[] Patches, float[] Global)> _items = new(StringComparer.Ordinal);

    /// <summary>Cached entries.</summary>
    public int Count => _items.Count;

    /// <inheritdoc />
    public bool TryGet(string key, out float[] patches, out float[] global)
    {
        if (_items.TryGetValue(key, out var v))
        {
            (patches, global) = v;
            return true;
        }
        patches = global = [];
        return false;
    }

    /// <inheritdoc />
    public void Put(string key, float[] patches, float[] global) => _items[key] = (patches, global);

    /// <inheritdoc />
    public void Dispose() => _items.Clear();
}

/// <summary>
/// float16 features on disk, one safetensors file per image (<c>&lt;dir&gt;/&lt;key[0..2]&gt;/&lt;key&gt;.safetensors</c>),
/// written atomically and memory-mapped when read. Survives across runs; keys make stale reuse impossible.
/// </summary>
internal sealed class DiskFeatureCache(string directory) : IFeatureCache
{
    /// <summary>The cache folder.</summary>
    public string Directory { get; } = directory;

    private string PathOf(string key) => System.IO.Path.Combine(Directory, key[..2], key + ".safetensors");

    /// <inheritdoc />
    public bool TryGet(string key, out float[] patches, out float[] global)
    {
        var path = PathOf(key);
        patches = global = [];
        if (!File.Exists(path)) return false;
        try
        {
            using var f = SafetensorsFile.Open(path);
            patches = f.ReadSingle("patches");
            global = f.ReadSingle("global");
            return true;
        }
        catch (DaClipFileFormatException)
        {
            File.Delete(path);   // a damaged entry is recomputed
            return false;
        }
    }

    /// <inheritdoc />
    public void Put(string key, float[] patches, float[] global) =>
        SafetensorsWriter.Write(PathOf(key),
        [
            SafetensorsTensor.FromHalf("patches", patches, patches.Length),
            SafetensorsTensor.FromHalf("global", global, global.Length),
        ]);

    /// <inheritdoc />
    public void Dispose() { }
}
