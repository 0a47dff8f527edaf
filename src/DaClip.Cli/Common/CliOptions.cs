using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text.RegularExpressions;
using DaClip.MLNet.Data;

namespace DaClip.Cli.Common;

/// <summary>The options several verbs share, with their parsers and checks.</summary>
internal static partial class CliOptions
{
    /// <summary><c>--json</c>: machine-readable output on standard output, no progress bar; <paramref name="what"/> completes "Print ... on standard output".</summary>
    public static Option<bool> Json(string what) => new("--json") { Description = $"Print {what} on standard output, and no progress bar." };

    /// <summary><c>--data &lt;kind&gt;:&lt;root&gt;</c>, parsed into a <see cref="DatasetSpec"/> (an unknown kind is a usage error listing the valid ones).</summary>
    public static Option<DatasetSpec> Data(string description) => new("--data")
    {
        Description = $"{description} Written <kind>:<root>; kinds: {string.Join(", ", DatasetSpec.KindNames)} (docs/datasets.md).",
        HelpName = "kind:root",
        Required = true,
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (DatasetSpec.TryParse(text, out var spec, out var error)) return spec;
            result.AddError($"--data: {error}");
            return null;
        },
    };

    /// <summary><c>--classes a,b</c>: the classes to read (comma-separated, repeatable); none reads all.</summary>
    public static Option<string[]> Classes() => new("--classes")
    {
        Description = "Only these classes, comma-separated (e.g. bottle,cable); default: every class of the dataset.",
        HelpName = "a,b,...",
        AllowMultipleArgumentsPerToken = false,
        CustomParser = result => result.Tokens
            .SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .ToArray(),
    };

    /// <summary><c>--batch-size N</c> for scoring.</summary>
    public static Option<int> ScoringBatchSize() => Positive(new Option<int>("--batch-size")
    {
        Description = "Images per ONNX Runtime batch (default: the best measured on CPU, docs/benchmarks.md).",
        HelpName = "N",
        DefaultValueFactory = _ => DaClip.MLNet.Scoring.DaClipScorerOptions.DefaultBatchSize,
    });

    /// <summary><c>--device cpu|cuda|cuda:N</c>.</summary>
    public static Option<string> Device(string description)
    {
        var option = new Option<string>("--device")
        {
            Description = description,
            HelpName = "cpu|cuda|cuda:N",
            DefaultValueFactory = _ => "cpu",
        };
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>();
            if (!DevicePattern().IsMatch(value ?? ""))
                result.AddError($"--device '{value}' is not a device: use cpu, cuda (the first GPU) or cuda:N.");
        });
        return option;
    }

    /// <summary>The CUDA ordinal of a <c>--device</c> value, or null for the CPU.</summary>
    public static int? GpuOrdinal(string device) =>
        device == "cpu" ? null : device.Length > 5 ? int.Parse(device[5..], CultureInfo.InvariantCulture) : 0;

    /// <summary>Adds a check that the option's value is at least 1.</summary>
    public static Option<int> Positive(Option<int> option)
    {
        option.Validators.Add(result =>
        {
            if (Converted<int>(result) is int value && value < 1) result.AddError($"{option.Name} is {value}: it must be at least 1.");
        });
        return option;
    }

    /// <summary>
    /// The option's value for a validator, or null when its text did not convert (the parser reports that error itself;
    /// <see cref="OptionResult.GetValueOrDefault{T}"/> would throw).
    /// </summary>
    public static T? Converted<T>(OptionResult result) where T : struct
    {
        try
        {
            return result.GetValueOrDefault<T?>();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>An option holding a finite number, with a message that names it when the text is not one.</summary>
    public static Option<float?> FiniteSingle(string name, string description, string helpName) => new(name)
    {
        Description = description,
        HelpName = helpName,
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float value) && float.IsFinite(value)) return value;
            result.AddError($"{name} '{text}' is not a finite number: give a decimal such as 0.5.");
            return null;
        },
    };

    /// <summary>
    /// <c>--config file.yaml|json</c>: settings read from a file, overridden by the flags given (applied by
    /// <see cref="ConfigArguments.Expand"/> before parsing; the value itself is not read by the verb).
    /// </summary>
    public static Option<string?> Config() => new(ConfigArguments.OptionName)
    {
        Description = "Read the verb's options from a YAML or JSON file (keys are the long options in snake_case, e.g. batch_size; " +
            "sections train:/test:/predict:/export: apply to one verb, model: holds the network options); flags given on the command line override it. " +
            "`daclip config --print` writes a complete one.",
        HelpName = "file.yaml|json",
    };

    [GeneratedRegex("^(cpu|cuda|cuda:[0-9]+)$")]
    private static partial Regex DevicePattern();
}
