using System.Text.Json;
using System.Text.RegularExpressions;

namespace DaClip.Cli.Bench;

/// <summary>
/// Kernel time of one ONNX Runtime profile (<c>SessionOptions.EnableProfiling</c>), summed by operator type and by
/// graph part (the exporter prefixes node names with the part, e.g. <c>vision/block7/vv/</c>; block numbers are
/// merged).
/// </summary>
internal sealed partial record OrtProfileSummary(
    IReadOnlyList<OrtProfileSummary.Entry> ByOperator, IReadOnlyList<OrtProfileSummary.Entry> ByPart, double TotalMs)
{
    /// <summary>A group's kernel time in milliseconds and its number of kernel calls.</summary>
    public sealed record Entry(string Key, double Ms, int Calls);

    /// <summary>Reads the profile JSON written by ONNX Runtime.</summary>
    public static OrtProfileSummary Read(string path)
    {
        const string suffix = "_kernel_time";
        var byOp = new Dictionary<string, (double Us, int Calls)>(StringComparer.Ordinal);
        var byPart = new Dictionary<string, (double Us, int Calls)>(StringComparer.Ordinal);
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        foreach (var e in doc.RootElement.EnumerateArray())
        {
            if (e.GetProperty("cat").GetString() != "Node") continue;
            var name = e.GetProperty("name").GetString() ?? "";
            if (!name.EndsWith(suffix, StringComparison.Ordinal)) continue;
            double us = e.GetProperty("dur").GetDouble();
            var op = e.TryGetProperty("args", out var args) && args.TryGetProperty("op_name", out var o) ? o.GetString() ?? "?" : "?";
            // The exporter's prefix is the lower-case segments before the operator's name (fused nodes append more).
            var segments = name[..^suffix.Length].Split('/');
            var prefix = segments.Length < 2 ? [] : segments.TakeWhile(x => x.Length > 0 && char.IsLower(x[0])).ToArray();
            var part = prefix.Length == 0 ? "(added by ONNX Runtime)" : BlockNumber().Replace(string.Join('/', prefix), "block");
            Add(byOp, op, us);
            Add(byPart, part, us);
        }
        static void Add(Dictionary<string, (double Us, int Calls)> d, string key, double us)
        {
            var (t, c) = d.GetValueOrDefault(key);
            d[key] = (t + us, c + 1);
        }
        static List<Entry> Sorted(Dictionary<string, (double Us, int Calls)> d) =>
            d.Select(kv => new Entry(kv.Key, kv.Value.Us / 1000, kv.Value.Calls)).OrderByDescending(x => x.Ms).ToList();
        return new OrtProfileSummary(Sorted(byOp), Sorted(byPart), byOp.Values.Sum(v => v.Us) / 1000);
    }

    [GeneratedRegex(@"block\d+")]
    private static partial Regex BlockNumber();
}
