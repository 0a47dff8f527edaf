using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace DaClip.Cli.Common;

/// <summary>
/// Writes one file set of a predictions folder: <c>&lt;stem&gt;.jsonl</c> (one <see cref="PredictionRecord"/> per line),
/// optionally <c>&lt;stem&gt;.maps.f32</c>, and last <c>&lt;stem&gt;.manifest.json</c>. Records stream into temporary
/// files; <see cref="Commit"/> renames them into place and then writes the manifest, so a reader sees either the complete
/// set or (without a manifest) none. Disposing without committing removes the temporary files.
/// </summary>
internal sealed class PredictionSetWriter : IDisposable
{
    private readonly string _folder, _stem, _tmpLines;
    private readonly string? _tmpMaps;
    private readonly StreamWriter _lines;
    private readonly FileStream? _maps;
    private readonly int _mapLength;
    private long _mapCount;
    private bool _committed;

    /// <summary>Starts a set named <paramref name="stem"/> in <paramref name="folder"/>; <paramref name="mapSize"/> is S when maps are written, else null.</summary>
    public PredictionSetWriter(string folder, string stem, int? mapSize)
    {
        Directory.CreateDirectory(folder);
        _folder = folder;
        _stem = stem;
        string unique = $"{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        _tmpLines = Path.Combine(folder, $".{stem}.jsonl.{unique}");
        _lines = new StreamWriter(new FileStream(_tmpLines, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16), new UTF8Encoding(false));
        if (mapSize is int s)
        {
            _mapLength = s * s;
            _tmpMaps = Path.Combine(folder, $".{stem}.maps.f32.{unique}");
            _maps = new FileStream(_tmpMaps, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        }
    }

    /// <summary>Images added so far.</summary>
    public int Count { get; private set; }

    /// <summary>The name of the JSON-lines file.</summary>
    public string LinesName => _stem + ".jsonl";

    /// <summary>The name of the maps file, or null.</summary>
    public string? MapsName => _maps is null ? null : _stem + ".maps.f32";

    /// <summary>Appends a record; <paramref name="map"/> (S x S) is stored when maps are written and its position set in the record.</summary>
    public PredictionRecord Add(PredictionRecord record, ReadOnlySpan<float> map)
    {
        if (_maps is not null)
        {
            if (map.Length != _mapLength) throw new InvalidOperationException($"Anomaly map of {map.Length} values, expected {_mapLength}.");
            record = record with { Map = _mapCount++ };
            var bytes = MemoryMarshal.AsBytes(map);
            if (BitConverter.IsLittleEndian) _maps.Write(bytes);
            else foreach (var v in map) _maps.Write(BitConverter.GetBytes(v).Reverse().ToArray());
        }
        else
        {
            record = record with { Map = null };
        }
        _lines.WriteLine(JsonSerializer.Serialize(record, CliJson.Compact));
        Count++;
        return record;
    }

    /// <summary>Moves the files into place and writes <paramref name="manifest"/> (its file names and image count are filled in); returns the manifest's path.</summary>
    public string Commit(PredictionManifest manifest)
    {
        _lines.Flush();
        _lines.BaseStream.Flush();
        ((FileStream)_lines.BaseStream).Flush(flushToDisk: true);
        _lines.Dispose();
        var path = Path.Combine(_folder, _stem + PredictionManifest.Suffix);
        File.Delete(path); // an earlier run's manifest must not describe the files being replaced
        if (_maps is not null)
        {
            _maps.Flush(flushToDisk: true);
            _maps.Dispose();
            File.Move(_tmpMaps!, Path.Combine(_folder, MapsName!), overwrite: true);
        }
        File.Move(_tmpLines, Path.Combine(_folder, LinesName), overwrite: true);
        (manifest with { Predictions = LinesName, Maps = MapsName, Images = Count }).Write(path);
        _committed = true;
        return path;
    }

    /// <summary>Removes the temporary files of an uncommitted set.</summary>
    public void Dispose()
    {
        if (_committed) return;
        _lines.Dispose();
        _maps?.Dispose();
        if (File.Exists(_tmpLines)) File.Delete(_tmpLines);
        if (_tmpMaps is not null && File.Exists(_tmpMaps)) File.Delete(_tmpMaps);
        _committed = true;
    }
}
