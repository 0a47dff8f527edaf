using System.Text.Json;

namespace DaClip.Cli.Common;

/// <summary>JSON settings of the tool's machine-readable output.</summary>
internal static class CliJson
{
    /// <summary>Indented camel-case JSON (one document per command).</summary>
    public static JsonSerializerOptions Indented { get; } = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>Compact camel-case JSON (JSON lines).</summary>
    public static JsonSerializerOptions Compact { get; } = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };
}
