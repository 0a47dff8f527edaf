using System.Text.Json;
using System.Text.RegularExpressions;

namespace DaClip.Cli.Bench;

/// <summary>
/// Kernel time of the last run in an ONNX Runtime profile (<c>SessionOptions.EnableProfiling</c>), summed by operator
/// type and by graph part (the exporter prefixes node names with the part, e.g. <c>vision/block7/vv/</c>; block
/// numbers are merged). Kernels that run inside another kernel (the body of a <c>Scan</c>) are counted in it only.
/// <see cref="PeakBytesInUse"/> is the largest <c>mem_in_use_peak</c> of the run's kernels: the activation memory
/// ONNX Runtime's allocator held in use at once (weights excluded), when the profile records it.
/// </summary>
internal sealed partial record OrtProfileSummary(
    IReadOnlyList<OrtProfileSummary.Entry> ByOperator, IReadOnlyList<OrtProfileSummary.Entry> ByPart, double TotalMs, double RunMs, long? PeakBytesInUse)
{
    /// <summary>A group's kernel time in milliseconds and its number of kernel calls.</summary>
    public sealed record Entry(string Key, double Ms, int Calls);

    private sealed record Kernel(double Start, double Duration, string Operator, string Part, long? PeakInUse);

    /// <summary>Reads the profile JSON written by ONNX Runtime.</summary>
    public static OrtProfileSummary Read(string path)
    {
        const string suffix = "_kernel_time";
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var kernels = new List<Kernel>();
        (double Start, double End) lastRun = (double.MinValue, double.MaxValue);
        foreach (var e in doc.RootElement.EnumerateArray())
        {
            var name = e.GetProperty("name").GetString() ?? "";
            double ts = e.GetProperty("ts").GetDouble(), dur = e.GetProperty("dur").GetDouble();
            var category = e.GetProperty("cat").GetString();
            if (category == "Session" && name == "model_run" && ts > lastRun.Start) lastRun = (ts, ts + dur);
            if (category != "Node" || !name.EndsWith(suffix, StringComparison.Ordinal)) continue;
            var op = e.TryGetProperty("args", out var args) && args.TryGetProperty("op_name", out var o) ? o.GetString() ?? "?" : "?";
            // The exporter's prefix is the lower-case segments before the operator's name (fused nodes append more).
            var segments = name[..^suffix.Length].Split('/');
            var prefix = segments.Length < 2 ? [] : segments.TakeWhile(x => x.Length > 0 && char.IsLower(x[0])).ToArray();
            var part = prefix.Length == 0 ? "(added by ONNX Runtime)" : BlockNumber().Replace(string.Join('/', prefix), "block");
            long? peak = args.ValueKind == JsonValueKind.Object && args.TryGetProperty("mem_in_use_peak", out var m)
                && long.TryParse(m.GetString(), System.Globalization.CultureInfo.InvariantCulture, out long bytes) ? bytes : null;
            kernels.Add(new Kernel(ts, dur, op, part, peak));
        }

        var run = kernels.Where(k => k.Start >= lastRun.Start && k.Start + k.Duration <= lastRun.End).OrderBy(k => k.Start).ToList();
        long? peakInUse = run.Max(k => k.PeakInUse);
        var byOp = new Dictionary<string, (double Us, int Calls)>(StringComparer.Ordinal);
        var byPart = new Dictionary<string, (double Us, int Calls)>(StringComparer.Ordinal);
        double openEnd = double.MinValue;
        foreach (var k in run)
        {
            if (k.Start < openEnd && k.Start + k.Duration <= openEnd) continue;   // inside a control-flow kernel
            openEnd = Math.Max(openEnd, k.Start + k.Duration);
            Add(byOp, k.Operator, k.Duration);
            Add(byPart, k.Part, k.Duration);
        }
        static void Add(Dictionary<string, (double Us, int Calls)> d, string key, double us)
        {
            var (t, c) = d.GetValueOrDefault(key);
            d[key] = (t + us, c + 1);
        }
        static List<Entry> Sorted(Dictionary<string, (double Us, int Calls)> d) =>
            d.Select(kv => new Entry(kv.Key, kv.Value.Us / 1000, kv.Value.Calls)).OrderByDescending(x => x.Ms).ToList();
        double runMs = lastRun.Start == double.MinValue ? double.NaN : (lastRun.End - lastRun.Start) / 1000;
        return new OrtProfileSummary(Sorted(byOp), Sorted(byPart), byOp.Values.Sum(v => v.Us) / 1000, runMs, peakInUse);
    }

    [GeneratedRegex(@"block\d+")]
    private static partial Regex BlockNumber();
}
