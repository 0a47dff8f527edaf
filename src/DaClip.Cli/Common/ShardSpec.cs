using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace DaClip.Cli.Common;

/// <summary>
/// One shard of a dataset, <c>i/N</c> (0 ≤ i &lt; N, 0-based as Kubernetes' JOB_COMPLETION_INDEX): the images whose
/// path relative to the dataset root, with '/' separators, hashes to bucket i. The hash is the first 8 bytes of the
/// SHA-256 of that path in UTF-8, read big-endian, modulo N: stable across machines, processes, runtimes and file
/// listing orders, so N independent processes score disjoint sets whose union is the whole dataset.
/// </summary>
/// <param name="Index">The shard, 0-based.</param>
/// <param name="Count">How many shards there are.</param>
internal sealed record ShardSpec(int Index, int Count)
{
    /// <summary>The whole dataset as one shard.</summary>
    public static ShardSpec All { get; } = new(0, 1);

    /// <summary>Parses <c>i/N</c>.</summary>
    /// <exception cref="CliUsageException">Not of that form, or i outside 0..N-1.</exception>
    public static ShardSpec Parse(string text)
    {
        var parts = text.Split('/');
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int index)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int count)
            || count < 1 || index >= count)
        {
            throw new CliUsageException($"--shard '{text}' is not a shard: write i/N with 0 <= i < N, e.g. 0/4 for the first of four shards " +
                "(Kubernetes: $JOB_COMPLETION_INDEX/N; Slurm: $SLURM_ARRAY_TASK_ID/N with --array=0-(N-1)).");
        }
        return new ShardSpec(index, count);
    }

    /// <summary>The bucket of <paramref name="relativePath"/> among <paramref name="count"/> shards.</summary>
    public static int Bucket(string relativePath, int count)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(Normalize(relativePath)), hash);
        return (int)(BinaryPrimitives.ReadUInt64BigEndian(hash) % (ulong)count);
    }

    /// <summary>The path of <paramref name="imagePath"/> relative to <paramref name="root"/>, with '/' separators.</summary>
    public static string RelativePath(string root, string imagePath) => Normalize(Path.GetRelativePath(root, imagePath));

    /// <summary>True when the image at <paramref name="relativePath"/> belongs to this shard.</summary>
    public bool Contains(string relativePath) => Bucket(relativePath, Count) == Index;

    /// <summary>The shard's file stem in an output folder: <c>shard-00001-of-00004</c>.</summary>
    public string Stem => string.Create(CultureInfo.InvariantCulture, $"shard-{Index:D5}-of-{Count:D5}");

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Index}/{Count}");

    private static string Normalize(string path) => path.Replace('\\', '/');
}
