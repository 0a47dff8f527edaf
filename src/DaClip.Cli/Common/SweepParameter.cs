using System.Globalization;
using DaClip.MLNet;

namespace DaClip.Cli.Common;

/// <summary>
/// One <c>--param name=values</c> of <c>daclip sweep</c>: a scoring-time option of the network and the values to try,
/// written as a list (<c>top_k=1,10,30</c>) or a range with a step (<c>alpha=0.3..0.8:0.1</c>, both ends included).
/// Only options that do not change training can be swept without retraining: <c>top_k</c>, <c>alpha</c>, <c>beta</c>,
/// <c>sigma</c>; the others are refused with the reason.
/// </summary>
/// <param name="Name">The option, snake_case.</param>
/// <param name="Values">The values, in the order given.</param>
internal sealed record SweepParameter(string Name, IReadOnlyList<double> Values)
{
    /// <summary>The options applied at scoring time, with what they do.</summary>
    public static IReadOnlyDictionary<string, string> ScoringTime { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["top_k"] = "k of the top-k patch mean in the image score",
        ["alpha"] = "weight of the local maps in the fused map",
        ["beta"] = "weight of the global probability in the image score",
        ["sigma"] = "Gaussian smoothing of the pixel map",
    };

    /// <summary>Network and optimiser options that change the trained weights, so a sweep over them needs one training per value.</summary>
    public static IReadOnlySet<string> NeedRetraining { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "image_size", "taps", "vv_start_layer", "tau", "lambda", "slots", "adapter_layers", "adapter_residual", "alignment", "use_dar", "dar_expand",
        "dar_state", "dar_dt_rank", "template", "normal_states", "anomaly_states", "positional_interpolation", "learning_rate", "adam_betas",
        "epochs", "batch_size", "seed",
    };

    /// <summary>Parses <c>name=v1,v2</c> or <c>name=a..b:step</c>.</summary>
    /// <exception cref="CliUsageException">Unknown or retraining option, or values that do not parse or are out of range.</exception>
    public static SweepParameter Parse(string text)
    {
        int eq = text.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0) throw new CliUsageException($"--param '{text}': write name=v1,v2,... or name=from..to:step, e.g. top_k=1,10,30 or alpha=0.3..0.8:0.1.");
        var name = text[..eq].Trim().Replace('-', '_').ToLowerInvariant();
        var spec = text[(eq + 1)..].Trim();
        if (NeedRetraining.Contains(name))
            throw new CliUsageException($"--param {name}: changing {name} changes the trained network, so it cannot be swept at scoring time. " +
                $"Train one model per value (daclip train --{name.Replace('_', '-')} v --out m-v.zip) and compare them with daclip test. Sweepable: {string.Join(", ", ScoringTime.Keys)}.");
        if (!ScoringTime.ContainsKey(name))
            throw new CliUsageException($"--param {name}: not a network option. Sweepable at scoring time: {string.Join(", ", ScoringTime.Keys)}.");
        var values = spec.Contains("..", StringComparison.Ordinal) ? Range(name, spec) : spec.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(v => Number(name, v)).ToList();
        if (values.Count == 0) throw new CliUsageException($"--param {name}: no values given.");
        foreach (var v in values) Check(name, v);
        return new SweepParameter(name, values);
    }

    /// <summary>The network options with this parameter set to <paramref name="value"/>.</summary>
    public DaClipModelOptions Apply(DaClipModelOptions options, double value) => Name switch
    {
        "top_k" => options with { TopK = (int)value },
        "alpha" => options with { Alpha = value },
        "beta" => options with { Beta = value },
        "sigma" => options with { Sigma = value },
        _ => throw new InvalidOperationException(Name),
    };

    /// <summary>The value of this parameter in <paramref name="options"/>.</summary>
    public double ValueIn(DaClipModelOptions options) => Name switch
    {
        "top_k" => options.TopK,
        "alpha" => options.Alpha,
        "beta" => options.Beta,
        _ => options.Sigma,
    };

    private static List<double> Range(string name, string spec)
    {
        var parts = spec.Split("..");
        var right = parts.Length == 2 ? parts[1].Split(':') : [];
        if (parts.Length != 2 || right.Length != 2)
            throw new CliUsageException($"--param {name}={spec}: write a range as from..to:step, e.g. 0.3..0.8:0.1.");
        double from = Number(name, parts[0]), to = Number(name, right[0]), step = Number(name, right[1]);
        if (!(step > 0) || to < from) throw new CliUsageException($"--param {name}={spec}: the step must be positive and to >= from.");
        int count = (int)Math.Floor((to - from) / step + 1e-9) + 1;
        if (count > 1000) throw new CliUsageException($"--param {name}={spec}: {count} values; use a larger step (at most 1000 values).");
        return Enumerable.Range(0, count).Select(i => Math.Round(from + i * step, 10)).ToList();
    }

    private static double Number(string name, string text) =>
        double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)
            ? v
            : throw new CliUsageException($"--param {name}: '{text}' is not a number.");

    private static void Check(string name, double v)
    {
        string? problem = name switch
        {
            "top_k" when v < 1 || v != Math.Floor(v) => "must be a whole number, at least 1",
            "alpha" or "beta" when v is < 0 or > 1 => "must lie in [0, 1]",
            "sigma" when v <= 0 => "must be positive",
            _ => null,
        };
        if (problem is not null) throw new CliUsageException($"--param {name}: {v.ToString(CultureInfo.InvariantCulture)} {problem}.");
    }
}
