using System.Globalization;

namespace DaClip.Samples.QuickStart;

/// <summary>
/// What the quick start does. The defaults need no argument, no weights and no data; every value can be changed on
/// the command line (<c>dotnet run --project samples/QuickStart -- --help</c>).
/// </summary>
internal sealed record QuickStartSettings
{
    /// <summary>Where the data, the model and the report go (created if missing; earlier quick-start output is replaced).</summary>
    public string OutputDirectory { get; init; } = Path.Combine(Environment.CurrentDirectory, "quickstart-output");

    /// <summary>
    /// The CLIP backbone: "mini" (built in, a small CLIP pretrained by this project on captioned synthetic images:
    /// a stand-in for OpenAI CLIP on synthetic data, not a general model), "tiny" (built in, RANDOM weights: it shows
    /// the pipeline only), or the path of an OpenAI CLIP checkpoint fetched with <c>daclip download</c>.
    /// </summary>
    public string Backbone { get; init; } = "mini";

    /// <summary>CLIP's BPE vocabulary (<c>bpe_simple_vocab_16e6.txt.gz</c>); needed with a checkpoint, not with "mini" or "tiny".</summary>
    public string? VocabPath { get; init; }

    /// <summary>
    /// Side S of the images and of the model input; 0 = the backbone's default: 64 for "mini" (its native size, an
    /// 8 x 8 patch grid), 128 for "tiny" (a 16 x 16 grid), 336 for a checkpoint (a multiple of ViT-L/14's patch).
    /// </summary>
    public int ImageSize { get; init; }

    /// <summary>Anomalous images per category; each category also gets half as many normal images.</summary>
    public int AnomalousPerCategory { get; init; } = 24;

    /// <summary>Training epochs (the paper trains 15; a few are enough to see the pipeline work).</summary>
    public int Epochs { get; init; } = 5;

    /// <summary>Seed of the synthetic data, the initialisation and the shuffles: the same seed gives the same numbers.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Whether the backbone is the built-in random one.</summary>
    public bool IsTinyBackbone => string.Equals(Backbone, "tiny", StringComparison.Ordinal);

    /// <summary>Whether the backbone is the built-in pretrained one.</summary>
    public bool IsMiniBackbone => string.Equals(Backbone, "mini", StringComparison.Ordinal);

    /// <summary>Whether the backbone is built in (no weights or vocabulary files needed).</summary>
    public bool IsBuiltInBackbone => IsTinyBackbone || IsMiniBackbone;

    /// <summary>The command-line help.</summary>
    public static string Usage => """
        DaClip.MLNet quick start: zero-shot anomaly detection on synthetic data, end to end in ML.NET.

        Usage: dotnet run --project samples/QuickStart [-- options]

          --output <dir>       where data, model and report go (default: ./quickstart-output)
          --size <S>           image and model input side (default: the backbone's: 64 mini, 128 tiny, 336 checkpoint)
          --per-category <n>   anomalous images per category; normal ones: half as many (default: 24)
          --epochs <n>         training epochs (default: 5)
          --seed <n>           seed of data and training (default: 1)
          --backbone <b>       mini (default: built in, pretrained on synthetic captions), tiny (built in, random
                               weights), or the path of an OpenAI CLIP checkpoint
          --vocab <path>       CLIP's bpe_simple_vocab_16e6.txt.gz (with --backbone)
          --help               this text
        """;

    /// <summary>Reads the command line; null when it asks for help. Throws <see cref="ArgumentException"/> on a bad argument.</summary>
    public static QuickStartSettings? Parse(IReadOnlyList<string> args)
    {
        var settings = new QuickStartSettings();
        for (int i = 0; i < args.Count; i++)
        {
            string name = args[i];
            if (name is "--help" or "-h" or "-?") return null;
            if (i + 1 >= args.Count) throw new ArgumentException($"{name} needs a value.");
            string value = args[++i];
            settings = name switch
            {
                "--output" => settings with { OutputDirectory = Path.GetFullPath(value) },
                "--size" => settings with { ImageSize = Positive(name, value) },
                "--per-category" => settings with { AnomalousPerCategory = Positive(name, value) },
                "--epochs" => settings with { Epochs = Positive(name, value) },
                "--seed" => settings with { Seed = Integer(name, value) },
                "--backbone" => settings with { Backbone = value },
                "--vocab" => settings with { VocabPath = value },
                _ => throw new ArgumentException($"Unknown option {name}."),
            };
        }
        if (settings.ImageSize == 0)
            settings = settings with { ImageSize = settings.IsMiniBackbone ? 64 : settings.IsTinyBackbone ? 128 : 336 };
        if (!settings.IsBuiltInBackbone)
        {
            if (!File.Exists(settings.Backbone)) throw new ArgumentException($"--backbone: the checkpoint '{settings.Backbone}' does not exist (daclip download fetches one).");
            if (settings.VocabPath is null || !File.Exists(settings.VocabPath))
                throw new ArgumentException("--backbone needs --vocab with CLIP's bpe_simple_vocab_16e6.txt.gz (daclip download fetches it with the checkpoint).");
        }
        return settings;
    }

    private static int Integer(string name, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n)
            ? n : throw new ArgumentException($"{name} takes a whole number, not '{value}'.");

    private static int Positive(string name, string value) =>
        Integer(name, value) is > 0 and var n ? n : throw new ArgumentException($"{name} must be at least 1, not '{value}'.");
}
