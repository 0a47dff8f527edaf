using System.Globalization;

namespace DaClip.MLNet.Training.Export;

/// <summary>
/// The names used in one model, across the main graph and all its subgraphs (ONNX values are single-assignment and a
/// subgraph may not shadow an outer name). Generates fresh names from a hint and rejects explicit duplicates.
/// </summary>
internal sealed class OnnxNameScope
{
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _counters = new(StringComparer.Ordinal);

    /// <summary>A name not used before, of the form <c>hint_k</c>.</summary>
    public string Fresh(string hint)
    {
        if (string.IsNullOrWhiteSpace(hint)) hint = "v";
        _counters.TryGetValue(hint, out int k);
        string name;
        do
        {
            name = hint + "_" + k.ToString(CultureInfo.InvariantCulture);
            k++;
        }
        while (_used.Contains(name));
        _counters[hint] = k;
        _used.Add(name);
        return name;
    }

    /// <summary>Claims an explicit name; throws when it was used before.</summary>
    public void Claim(string name, string what)
    {
        if (string.IsNullOrEmpty(name)) throw new OnnxGraphException($"The {what} needs a non-empty name.");
        if (!_used.Add(name))
            throw new OnnxGraphException($"The name '{name}' of the {what} is already used in this model: ONNX value, initializer and node names must be unique (choose another name or let the builder generate one).");
    }
}
