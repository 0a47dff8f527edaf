using System.CommandLine;

namespace DaClip.Cli.Common;

/// <summary>
/// Applies a <c>--config file.yaml|json</c> to a command line before it is parsed: every setting of the file that the
/// verb has an option for becomes that option's tokens, unless the command line gives the option itself (flags override
/// the file). The values then go through the option's own parser and checks, so a bad value in the file reads like a bad
/// flag. Any verb that adds <see cref="CliOptions.Config"/> to its options gets this (e.g. <c>daclip serve</c>).
/// </summary>
internal static class ConfigArguments
{
    /// <summary>The name of the option.</summary>
    public const string OptionName = "--config";

    private static readonly HashSet<string> NotConfigurable = new(StringComparer.Ordinal) { OptionName, "--help", "--version", "--print", "--for", "--format" };

    /// <summary>
    /// The command line with the settings of its <c>--config</c> file inserted after the verb; <paramref name="args"/>
    /// unchanged when the verb has no <c>--config</c> option or it is not given.
    /// </summary>
    /// <exception cref="CliUsageException">The file is unreadable, or holds a key no verb knows or one the verb's section does not.</exception>
    public static string[] Expand(RootCommand root, string[] args)
    {
        var (verb, depth) = FindVerb(root, args);
        if (verb is null || !verb.Options.Any(o => o.Name == OptionName)) return args;
        var path = ConfigPath(args, depth);
        if (path is null) return args;
        var file = ConfigFile.Load(path, new HashSet<string>(root.Subcommands.Select(c => c.Name), StringComparer.Ordinal));
        var effective = Settings(root, verb, file);
        var given = GivenOptions(verb, args.Skip(depth));
        var inserted = new List<string>();
        foreach (var (option, values) in effective)
        {
            if (given.Contains(option.Name) || values.Count == 0) continue;
            inserted.Add(option.Name);
            if (option.ValueType.IsArray && !option.AllowMultipleArgumentsPerToken) inserted.Add(string.Join(',', values));
            else inserted.AddRange(values);
        }
        return [.. args.Take(depth), .. inserted, .. args.Skip(depth)];
    }

    /// <summary>
    /// The options of <paramref name="verb"/> that <paramref name="file"/> sets, with their values (a verb section
    /// overrides the top level; within a level the last setting wins).
    /// </summary>
    public static IReadOnlyList<(Option Option, IReadOnlyList<string> Values)> Settings(RootCommand root, Command verb, ConfigFile file)
    {
        var mine = Keys(verb);
        var everyVerb = new Dictionary<string, Dictionary<string, Option>>(StringComparer.Ordinal);
        foreach (var c in root.Subcommands) everyVerb[c.Name] = Keys(c);
        var known = everyVerb.Values.SelectMany(k => k.Keys).ToHashSet(StringComparer.Ordinal);
        var chosen = new Dictionary<string, (Option, IReadOnlyList<string>, bool FromSection)>(StringComparer.Ordinal);
        foreach (var s in file.Settings)
        {
            if (s.Section is { } section)
            {
                var keys = everyVerb[section];
                if (!keys.ContainsKey(s.Key)) throw Unknown(file, s.Key, $"`daclip {section}`", keys.Keys);
                if (section != verb.Name) continue;
                chosen[s.Key] = (mine[s.Key], s.Values, true);
            }
            else if (mine.TryGetValue(s.Key, out var option))
            {
                if (chosen.TryGetValue(s.Key, out var earlier) && earlier.FromSection) continue;
                chosen[s.Key] = (option, s.Values, false);
            }
            else if (!known.Contains(s.Key))
            {
                throw Unknown(file, s.Key, $"`daclip {verb.Name}`", mine.Keys);
            }
        }
        return chosen.Values.Select(v => (v.Item1, v.Item2)).ToList();
    }

    /// <summary>The configurable options of <paramref name="verb"/> by key (<c>batch_size</c>).</summary>
    public static Dictionary<string, Option> Keys(Command verb) => verb.Options
        .Where(o => o.Name.StartsWith("--", StringComparison.Ordinal) && !NotConfigurable.Contains(o.Name))
        .ToDictionary(o => ConfigFile.KeyOf(o.Name), StringComparer.Ordinal);

    private static CliUsageException Unknown(ConfigFile file, string key, string verb, IEnumerable<string> valid) =>
        new($"--config {file.Path}: unknown key '{key}' for {verb}. Valid keys: {string.Join(", ", valid.Order(StringComparer.Ordinal))} " +
            $"(and, under {ConfigFile.ModelSection}: or at the top level, the network options of `daclip train`).");

    private static (Command? Verb, int Depth) FindVerb(Command root, string[] args)
    {
        Command? verb = null;
        int depth = 0;
        var current = root;
        while (depth < args.Length && current.Subcommands.FirstOrDefault(c => c.Name == args[depth] || c.Aliases.Contains(args[depth])) is { } sub)
        {
            verb = current = sub;
            depth++;
        }
        return (verb, depth);
    }

    private static string? ConfigPath(string[] args, int depth)
    {
        for (int i = depth; i < args.Length; i++)
        {
            if (args[i] == "--") break;
            if (args[i] == OptionName) return i + 1 < args.Length ? args[i + 1] : null;
            if (args[i].StartsWith(OptionName + "=", StringComparison.Ordinal) || args[i].StartsWith(OptionName + ":", StringComparison.Ordinal))
                return args[i][(OptionName.Length + 1)..];
        }
        return null;
    }

    private static HashSet<string> GivenOptions(Command verb, IEnumerable<string> tokens)
    {
        var given = new HashSet<string>(StringComparer.Ordinal);
        foreach (var token in tokens)
        {
            if (token == "--") break;
            foreach (var o in verb.Options)
            {
                foreach (var name in o.Aliases.Append(o.Name))
                {
                    if (token == name || token.StartsWith(name + "=", StringComparison.Ordinal) || token.StartsWith(name + ":", StringComparison.Ordinal))
                        given.Add(o.Name);
                }
            }
        }
        return given;
    }
}
