namespace DaClip.MLNet.Data;

/// <summary>A dataset named on the command line as <c>&lt;kind&gt;:&lt;root&gt;</c>, e.g. <c>mvtec:/data/mvtec_anomaly_detection</c> (the CLI's <c>--data</c>).</summary>
/// <param name="Kind">The layout.</param>
/// <param name="Root">The dataset folder (or, for <c>meta</c>, the folder of meta.json or the file itself), as written.</param>
public sealed record DatasetSpec(DatasetKind Kind, string Root)
{
    private static readonly (string Name, DatasetKind Kind)[] Names =
    [
        ("mvtec", DatasetKind.MvtecAd),
        ("visa", DatasetKind.Visa),
        ("mpdd", DatasetKind.Mpdd),
        ("btad", DatasetKind.Btad),
        ("dtd", DatasetKind.DtdSynthetic),
        ("brainmri", DatasetKind.BrainMri),
        ("headct", DatasetKind.HeadCt),
        ("br35h", DatasetKind.Br35h),
        ("clinicdb", DatasetKind.ClinicDb),
        ("isic", DatasetKind.Isic),
        ("meta", DatasetKind.MetaJson),
        ("folder", DatasetKind.Folder),
    ];

    /// <summary>The kind names accepted before the colon, in documentation order.</summary>
    public static IReadOnlyList<string> KindNames { get; } = Names.Select(n => n.Name).ToArray();

    /// <summary>The command-line name of <paramref name="kind"/> (e.g. <c>mvtec</c>).</summary>
    public static string NameOf(DatasetKind kind)
    {
        foreach (var (name, k) in Names) if (k == kind) return name;
        throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown dataset kind.");
    }

    /// <summary>The kind called <paramref name="name"/> (letter case ignored); throws <see cref="DaClipException"/> listing the valid names.</summary>
    public static DatasetKind ParseKind(string name) =>
        TryParseKind(name, out var kind) ? kind : throw new DaClipException(UnknownKind(name));

    /// <summary>Parses <c>&lt;kind&gt;:&lt;root&gt;</c>; only the first colon separates, so Windows roots such as <c>visa:C:\data\visa</c> work.</summary>
    /// <exception cref="DaClipException">The text has no colon, an unknown kind or an empty root; the message lists the valid kinds.</exception>
    public static DatasetSpec Parse(string text) =>
        TryParse(text, out var spec, out var error) ? spec! : throw new DaClipException(error!);

    /// <summary>Parses <c>&lt;kind&gt;:&lt;root&gt;</c> without throwing; <paramref name="error"/> says what is wrong otherwise.</summary>
    public static bool TryParse(string? text, out DatasetSpec? spec, out string? error)
    {
        spec = null;
        error = null;
        var example = "e.g. mvtec:/data/mvtec_anomaly_detection";
        int colon = text?.IndexOf(':') ?? -1;
        if (text is null || colon < 0)
        {
            error = $"Dataset '{text}' is not of the form <kind>:<root> ({example}). Valid kinds: {string.Join(", ", KindNames)}.";
            return false;
        }
        var name = text[..colon].Trim();
        var root = text[(colon + 1)..].Trim();
        if (!TryParseKind(name, out var kind))
        {
            error = UnknownKind(name) + $" Write the dataset as <kind>:<root> ({example}).";
            return false;
        }
        if (root.Length == 0)
        {
            error = $"Dataset '{text}' names no folder after '{name}:' ({example}).";
            return false;
        }
        spec = new DatasetSpec(kind, root);
        return true;
    }

    /// <summary>The <c>&lt;kind&gt;:&lt;root&gt;</c> form.</summary>
    public override string ToString() => $"{NameOf(Kind)}:{Root}";

    private static bool TryParseKind(string? name, out DatasetKind kind)
    {
        foreach (var (n, k) in Names)
        {
            if (string.Equals(n, name?.Trim(), StringComparison.OrdinalIgnoreCase)) { kind = k; return true; }
        }
        kind = default;
        return false;
    }

    private static string UnknownKind(string? name) =>
        $"Unknown dataset kind '{name}'. Valid kinds: {string.Join(", ", KindNames)}.";
}
