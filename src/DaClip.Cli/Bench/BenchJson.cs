using System.Text.Json;

namespace DaClip.Cli.Bench;

/// <summary>
/// The <c>--json</c> output of the <c>daclip bench</c> verbs: one JSON object on standard output with snake_case keys,
/// while the human-readable tables go to standard error.
/// </summary>
internal static class BenchJson
{
    /// <summary>Indented, snake_case property names, nulls written.</summary>
    public static JsonSerializerOptions Options { get; } = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>The <c>--json</c> option of a bench verb.</summary>
    public static System.CommandLine.Option<bool> Option() =>
        new("--json") { Description = "Print one JSON object with the results on standard output (snake_case keys); the tables go to standard error." };

    /// <summary>Where a verb writes its tables: <paramref name="output"/>, or <paramref name="error"/> under <c>--json</c>.</summary>
    public static TextWriter Log(bool json, TextWriter output, TextWriter error) => json ? error : output;

    /// <summary>Writes <paramref name="result"/> as the verb's one JSON object.</summary>
    public static void Write(TextWriter output, object result) => output.WriteLine(JsonSerializer.Serialize(result, result.GetType(), Options));
}
