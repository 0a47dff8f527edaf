using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace DaClip.Cli.Common;

/// <summary>One setting of a configuration file: its key (snake_case), the section it came from (null at the top level) and its values.</summary>
/// <param name="Key">The key, lower case with '_' (a written '-' is read as '_').</param>
/// <param name="Section">The verb section (<c>train:</c>, <c>test:</c>, ...) or null for a top-level or <c>model:</c> key.</param>
/// <param name="Values">The scalar values: one for a scalar, several for a list, none for null (the default).</param>
internal sealed record ConfigSetting(string Key, string? Section, IReadOnlyList<string> Values);

/// <summary>
/// A <c>--config</c> file (YAML, or JSON, which YAML reads): a mapping of option names (snake_case, the long option
/// without its dashes: <c>batch_size</c> for <c>--batch-size</c>) to values. Top-level keys apply to every verb that has
/// that option; a section named after a verb (<c>train:</c>, <c>test:</c>, <c>predict:</c>, <c>export:</c>,
/// <c>serve:</c>, ...) applies to that verb only; the <c>model:</c> section holds the network options (METHOD), read as
/// top-level keys. A null value means "the default".
/// </summary>
internal sealed class ConfigFile
{
    /// <summary>The section holding the network options.</summary>
    public const string ModelSection = "model";

    private ConfigFile(string path, IReadOnlyList<ConfigSetting> settings)
    {
        Path = path;
        Settings = settings;
    }

    /// <summary>Absolute path of the file.</summary>
    public string Path { get; }

    /// <summary>The settings in file order.</summary>
    public IReadOnlyList<ConfigSetting> Settings { get; }

    /// <summary>Reads <paramref name="path"/>; <paramref name="sections"/> are the verb names a section may have.</summary>
    /// <exception cref="CliUsageException">No such file, not YAML/JSON, or not a mapping of options.</exception>
    public static ConfigFile Load(string path, IReadOnlySet<string> sections)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(full)) throw new CliUsageException($"--config {path}: no such file ({full}). Write one with `daclip config --print > run.yaml`.");
        var stream = new YamlStream();
        try
        {
            using var reader = new StreamReader(full);
            stream.Load(reader);
        }
        catch (YamlException e)
        {
            throw new CliUsageException($"--config {path}: not valid YAML or JSON at line {e.Start.Line}, column {e.Start.Column}: {e.Message}");
        }
        catch (ArgumentException e)
        {
            throw new CliUsageException($"--config {path}: not a usable YAML or JSON mapping ({e.Message}); each key may appear once per section.");
        }
        var settings = new List<ConfigSetting>();
        if (stream.Documents.Count == 0) return new ConfigFile(full, settings);
        if (stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new CliUsageException($"--config {path}: the file must be a mapping of option names to values (e.g. `epochs: 15`), not a list or a single value.");
        foreach (var (keyNode, value) in root.Children)
        {
            var key = Key(keyNode, path);
            if (value is YamlMappingNode section)
            {
                if (key != ModelSection && !sections.Contains(key))
                    throw new CliUsageException($"--config {path}: '{key}' holds a mapping, but only the sections {ModelSection}, {string.Join(", ", sections.Order(StringComparer.Ordinal))} may (line {keyNode.Start.Line}).");
                foreach (var (innerKey, innerValue) in section.Children)
                {
                    var name = Key(innerKey, path);
                    settings.Add(new ConfigSetting(name, key == ModelSection ? null : key, Values(innerValue, $"{key}.{name}", path)));
                }
            }
            else
            {
                settings.Add(new ConfigSetting(key, null, Values(value, key, path)));
            }
        }
        return new ConfigFile(full, settings);
    }

    private static string Key(YamlNode node, string path) => node is YamlScalarNode { Value: { Length: > 0 } text }
        ? text.Trim().Replace('-', '_').ToLowerInvariant()
        : throw new CliUsageException($"--config {path}: line {node.Start.Line} has a key that is not a name.");

    private static IReadOnlyList<string> Values(YamlNode node, string key, string path) => node switch
    {
        YamlScalarNode scalar => IsNull(scalar) ? [] : [scalar.Value!],
        YamlSequenceNode list => list.Children.Select(item => item is YamlScalarNode s && !IsNull(s)
            ? s.Value!
            : throw new CliUsageException($"--config {path}: '{key}' (line {item.Start.Line}) lists something that is not a plain value.")).ToList(),
        _ => throw new CliUsageException($"--config {path}: '{key}' (line {node.Start.Line}) must be a value or a list of values."),
    };

    private static bool IsNull(YamlScalarNode s) =>
        s.Style == ScalarStyle.Plain && (s.Value is null or "" or "~" || string.Equals(s.Value, "null", StringComparison.OrdinalIgnoreCase));

    /// <summary>The option name (<c>--batch-size</c>) of a key.</summary>
    public static string OptionName(string key) => "--" + key.Replace('_', '-');

    /// <summary>The key (<c>batch_size</c>) of an option name.</summary>
    public static string KeyOf(string optionName) => optionName.TrimStart('-').Replace('-', '_').ToLower(CultureInfo.InvariantCulture);
}
