using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.Json;
using DaClip.Cli.Common;
using DaClip.MLNet.Data;
using YamlDotNet.Serialization;

namespace DaClip.Cli.Commands;

/// <summary>
/// <c>daclip config --print [--for train|test|predict|export|...] [--config file] [flags of that verb...]</c>: writes the
/// effective configuration of a verb — every option it has, with the value it would run with after the file and the
/// flags are applied over the defaults — as YAML (or JSON), in the format <c>--config</c> reads back.
/// </summary>
internal static class ConfigCommand
{
    public static Command Create()
    {
        var print = new Option<bool>("--print") { Description = "Write the effective configuration on standard output (the only action of this verb)." };
        var verb = new Option<string>("--for") { Description = "The verb whose configuration is printed.", HelpName = "verb", DefaultValueFactory = _ => "train" };
        var format = new Option<string>("--format") { Description = "yaml or json.", HelpName = "yaml|json", DefaultValueFactory = _ => "yaml" };
        format.AcceptOnlyFromAmong("yaml", "json");
        var command = new Command("config",
            "Print the effective configuration of a verb: defaults, overridden by --config file, overridden by the flags given after it. " +
            "Example: daclip config --print --for train --config run.yaml --epochs 5 > effective.yaml")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        command.Options.Add(print);
        command.Options.Add(verb);
        command.Options.Add(format);
        command.Options.Add(CliOptions.Config());
        command.SetAction((parse, cancellation) => VerbRunner.RunAsync("config", parse.InvocationConfiguration.Error, () =>
        {
            if (!parse.GetValue(print)) throw new CliUsageException("say what to do: --print writes the effective configuration.");
            var configPath = parse.GetValue<string?>(ConfigArguments.OptionName);
            var text = Effective(parse.GetValue(verb)!, configPath, parse.UnmatchedTokens, parse.GetValue(format) == "json");
            parse.InvocationConfiguration.Output.Write(text);
            return Task.FromResult(0);
        }));
        return command;
    }

    /// <summary>The effective configuration of <paramref name="verbName"/> as YAML or JSON text.</summary>
    public static string Effective(string verbName, string? configPath, IReadOnlyList<string> flags, bool json)
    {
        var root = Program.BuildRoot();
        var verb = root.Subcommands.FirstOrDefault(c => c.Name == verbName && c.Options.Any(o => o.Name == ConfigArguments.OptionName))
            ?? throw new CliUsageException($"--for {verbName}: not a verb with --config; use one of {string.Join(", ", root.Subcommands.Where(c => c.Options.Any(o => o.Name == ConfigArguments.OptionName)).Select(c => c.Name))}.");
        foreach (var o in verb.Options) o.Required = false; // printing needs no complete command line
        string[] args = [verbName, .. configPath is null ? Array.Empty<string>() : [ConfigArguments.OptionName, configPath], .. flags];
        args = ConfigArguments.Expand(root, args);
        var result = root.Parse(args);
        var problems = result.Errors.Where(e => e.SymbolResult is OptionResult or ArgumentResult { Parent: OptionResult }).ToList();
        if (problems.Count > 0) throw new CliUsageException(string.Join("; ", problems.Select(e => e.Message)));
        if (result.UnmatchedTokens.Count > 0) throw new CliUsageException($"`daclip {verbName}` has no option {result.UnmatchedTokens[0]}.");

        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, option) in ConfigArguments.Keys(verb).OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            if (option.Name == "--json") continue;
            var r = result.GetResult(option);
            object? value = r is null ? (option.HasDefaultValue ? option.GetDefaultValue() : null) : ValueOf(r, option.ValueType);
            values[key] = Plain(value);
        }
        return json
            ? JsonSerializer.Serialize(values, CliJson.Indented) + "\n"
            : $"# daclip {verbName}: effective configuration (defaults < --config file < flags). Read back with --config.\n" + new SerializerBuilder().Build().Serialize(values);
    }

    private static object? ValueOf(OptionResult result, Type type) =>
        typeof(OptionResult).GetMethod(nameof(OptionResult.GetValueOrDefault))!.MakeGenericMethod(type).Invoke(result, null);

    /// <summary>Values as YAML/JSON scalars and lists: numbers and booleans as such, everything else as its text.</summary>
    private static object? Plain(object? value) => value switch
    {
        null => null,
        string or bool or int or long or float or double => value,
        DatasetSpec spec => spec.ToString(),
        Enum e => e.ToString().ToLowerInvariant(),
        System.Collections.IEnumerable list => list.Cast<object?>().Select(Plain).ToList(),
        _ => value.ToString(),
    };
}
