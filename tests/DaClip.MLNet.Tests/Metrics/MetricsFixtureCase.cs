using System.Collections.Concurrent;
using System.Text.Json;
using DaClip.MLNet.IO;
using DaClip.MLNet.Tests.Infrastructure;

namespace DaClip.MLNet.Tests.Metrics;

/// <summary>
/// One case of a metrics fixture set (<c>metrics_&lt;set&gt;.json</c> + <c>metrics_&lt;set&gt;.safetensors</c>, see the
/// fixtures README §3): the image stack, its ground truth and the expected values. Every size comes from the files.
/// </summary>
internal sealed class MetricsFixtureCase
{
    private const string Pattern = "metrics_*.json";
    private static readonly ConcurrentDictionary<(string, string), MetricsFixtureCase> Cache = new();

    public required string SetName { get; init; }
    public required string Name { get; init; }
    public required int Images { get; init; }
    public required int Height { get; init; }
    public required int Width { get; init; }
    public required float[] Maps { get; init; }
    public required byte[] Masks { get; init; }
    public required int[] Regions { get; init; }
    public required bool[] ImageLabels { get; init; }
    public required float[] ImageScores { get; init; }
    public required double[] AnomalyClipThresholds { get; init; }
    public required JsonElement Expected { get; init; }

    public int PixelsPerImage => Height * Width;

    public double Value(string key) => Expected.GetProperty(key).GetDouble();

    public long Count(string key) => Expected.GetProperty(key).GetInt64();

    /// <summary>Rows (set name, case name) of every case in every metrics fixture set; one placeholder row when the folder is absent.</summary>
    public static IEnumerable<object[]> All()
    {
        if (!Directory.Exists(Fixtures.Root))
        {
            yield return ["(fixtures missing)", "(none)"];
            yield break;
        }
        foreach (var json in Directory.GetFiles(Fixtures.Root, Pattern).OrderBy(f => f, StringComparer.Ordinal))
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(json));
            foreach (var c in doc.RootElement.GetProperty("cases").EnumerateArray())
                yield return [Fixtures.SetName(json, Pattern), c.GetProperty("name").GetString()!];
        }
    }

    /// <summary>Loads (once) a case named by <see cref="All"/>; fails when the fixtures are absent.</summary>
    public static MetricsFixtureCase Load(string setName, string caseName)
    {
        var root = Fixtures.Require();
        Fixtures.Glob("", Pattern);
        return Cache.GetOrAdd((setName, caseName), key => Read(root, key.Item1, key.Item2));
    }

    private static MetricsFixtureCase Read(string root, string setName, string caseName)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, $"metrics_{setName}.json")));
        var expected = doc.RootElement.GetProperty("cases").EnumerateArray()
            .Single(c => c.GetProperty("name").GetString() == caseName).Clone();
        using var st = SafetensorsFile.Open(Path.Combine(root, $"metrics_{setName}.safetensors"));
        var shape = st[$"{caseName}_anomaly_maps"].Shape;
        return new MetricsFixtureCase
        {
            SetName = setName,
            Name = caseName,
            Images = (int)shape[0],
            Height = (int)shape[1],
            Width = (int)shape[2],
            Maps = st.ReadSingle($"{caseName}_anomaly_maps"),
            Masks = st.ReadByte($"{caseName}_masks"),
            Regions = st.ReadInt32($"{caseName}_regions"),
            ImageLabels = st.ReadInt64($"{caseName}_image_labels").Select(l => l != 0).ToArray(),
            ImageScores = st.ReadSingle($"{caseName}_image_scores"),
            AnomalyClipThresholds = st.ReadDouble($"{caseName}_anomalyclip_thresholds"),
            Expected = expected,
        };
    }
}
