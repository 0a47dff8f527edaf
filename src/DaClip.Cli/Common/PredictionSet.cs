using System.Runtime.InteropServices;
using System.Text.Json;

namespace DaClip.Cli.Common;

/// <summary>
/// The predictions of a whole dataset read back from one or more predictions folders (shard outputs of
/// <c>daclip predict --shard</c>, or a <c>daclip merge</c> output): checks that every file set comes from the same model
/// and dataset and that together they hold every shard exactly once, then yields the records in dataset order with their
/// anomaly maps.
/// </summary>
internal sealed class PredictionSet
{
    private readonly List<(PredictionManifest Manifest, string Folder)> _sets;

    private PredictionSet(List<(PredictionManifest, string)> sets, PredictionManifest first)
    {
        _sets = sets;
        Manifest = first;
    }

    /// <summary>The first manifest (model, dataset, S are the same in all).</summary>
    public PredictionManifest Manifest { get; }

    /// <summary>True when every set holds anomaly maps.</summary>
    public bool HasMaps => _sets.All(s => s.Manifest.Maps is not null);

    /// <summary>Images in all sets together.</summary>
    public int Images => _sets.Sum(s => s.Manifest.Images);

    /// <summary>Opens the sets in <paramref name="folders"/>; <paramref name="option"/> names the option in messages.</summary>
    /// <exception cref="CliUsageException">A folder is missing or holds no manifest, the sets disagree, or a shard is missing or repeated.</exception>
    public static PredictionSet Open(IReadOnlyList<string> folders, string option)
    {
        var sets = new List<(PredictionManifest, string)>();
        foreach (var folder in folders)
        {
            var full = Path.GetFullPath(folder);
            if (!Directory.Exists(full)) throw new CliUsageException($"{option} {folder}: no such folder ({full}). Give the --out folder of `daclip predict --data ...` or of `daclip merge`.");
            var manifests = Directory.GetFiles(full, "*" + PredictionManifest.Suffix).Order(StringComparer.Ordinal).ToList();
            if (manifests.Count == 0)
                throw new CliUsageException($"{option} {folder}: no *{PredictionManifest.Suffix} in the folder; a shard still running or failed has none. Rerun its `daclip predict --shard i/N`.");
            sets.AddRange(manifests.Select(m => (PredictionManifest.Read(m), full)));
        }
        var first = sets[0].Item1;
        foreach (var (m, folder) in sets.Skip(1))
        {
            string? clash = m.ModelSha256 != first.ModelSha256 ? $"model {m.Model} (SHA-256 {m.ModelSha256[..12]}) vs {first.Model} ({first.ModelSha256[..12]})"
                : m.Data != first.Data ? $"data {m.Data} vs {first.Data}"
                : m.ShardCount != first.ShardCount ? $"{m.ShardCount} shards vs {first.ShardCount}"
                : !SameClasses(m.Classes, first.Classes) ? "different --classes"
                : null;
            if (clash is not null)
                throw new CliUsageException($"{option}: the predictions in {folder} do not belong with the others ({clash}). Score every shard with the same --model, --data, --classes and N.");
        }
        var seen = new Dictionary<int, string>();
        foreach (var (m, folder) in sets)
        {
            foreach (var shard in m.Shards)
            {
                if (!seen.TryAdd(shard, folder))
                    throw new CliUsageException($"{option}: shard {shard}/{first.ShardCount} is there twice ({seen[shard]} and {folder}). Give each shard's output once.");
            }
        }
        var missing = Enumerable.Range(0, first.ShardCount).Where(i => !seen.ContainsKey(i)).ToList();
        if (missing.Count > 0)
            throw new CliUsageException($"{option}: shard(s) {string.Join(", ", missing.Select(i => $"{i}/{first.ShardCount}"))} missing. " +
                "Run `daclip predict --shard i/N` for them (or wait for them to finish) and give their --out folders too.");
        int total = sets.Sum(s => s.Item1.Images);
        if (total != first.DatasetImages)
            throw new CliUsageException($"{option}: the shards hold {total} images, the dataset {first.DatasetImages}. Were the shards scored from different copies of the data?");
        return new PredictionSet(sets, first);
    }

    /// <summary>Every record with its anomaly map (null without maps), in dataset order.</summary>
    public IEnumerable<(PredictionRecord Record, float[]? Map)> Read()
    {
        var all = new List<(PredictionRecord Record, int Set)>();
        for (int i = 0; i < _sets.Count; i++)
        {
            var (m, folder) = _sets[i];
            var lines = Path.Combine(folder, m.Predictions);
            int number = 0;
            foreach (var line in File.ReadLines(lines))
            {
                number++;
                if (line.Length == 0) continue;
                PredictionRecord? record;
                try
                {
                    record = JsonSerializer.Deserialize<PredictionRecord>(line, CliJson.Compact);
                }
                catch (JsonException e)
                {
                    throw new CliUsageException($"{lines}:{number}: not a prediction record ({e.Message}). Rerun the shard's `daclip predict`.");
                }
                all.Add((record!, i));
            }
        }
        var duplicate = all.GroupBy(r => r.Record.Index).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new CliUsageException($"The predictions hold image {duplicate.First().Record.Path} more than once.");

        int mapLength = Manifest.ImageSize * Manifest.ImageSize;
        var streams = new FileStream?[_sets.Count];
        try
        {
            foreach (var (record, set) in all.OrderBy(r => r.Record.Index))
            {
                float[]? map = null;
                if (record.Map is long position && _sets[set].Manifest.Maps is { } mapsName)
                {
                    var stream = streams[set] ??= new FileStream(Path.Combine(_sets[set].Folder, mapsName), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
                    map = new float[mapLength];
                    stream.Position = position * mapLength * sizeof(float);
                    var bytes = MemoryMarshal.AsBytes(map.AsSpan());
                    stream.ReadExactly(bytes);
                    if (!BitConverter.IsLittleEndian)
                        for (int k = 0; k < map.Length; k++) map[k] = BitConverter.ToSingle(bytes.Slice(k * 4, 4).ToArray().Reverse().ToArray());
                }
                yield return (record, map);
            }
        }
        finally
        {
            foreach (var s in streams) s?.Dispose();
        }
    }

    private static bool SameClasses(IReadOnlyList<string>? a, IReadOnlyList<string>? b) =>
        (a ?? []).Order(StringComparer.Ordinal).SequenceEqual((b ?? []).Order(StringComparer.Ordinal), StringComparer.Ordinal);
}
