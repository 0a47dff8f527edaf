using System.Globalization;
using DaClip.MLNet.IO;

namespace DaClip.Samples.ZeroShotTransfer;

/// <summary>
/// The inputs of the experiment, from the command line or the environment (the command line wins), and the paper's
/// training settings. The checkpoint and the vocabulary default to where <c>daclip download</c> puts them.
/// </summary>
internal sealed record ZeroShotSettings
{
    /// <summary>The CLIP checkpoint: ViT-L/14@336 in the paper (<c>ViT-L-14-336px.pt</c>), or "tiny" for a dry run of the pipeline with random weights.</summary>
    public string? Checkpoint { get; init; }

    /// <summary>CLIP's BPE vocabulary, <c>bpe_simple_vocab_16e6.txt.gz</c> (not needed with "tiny").</summary>
    public string? Vocab { get; init; }

    /// <summary>Root of MVTec AD (the folder holding <c>bottle/</c> ... <c>zipper/</c>): the auxiliary training data.</summary>
    public string? MvtecRoot { get; init; }

    /// <summary>Root of VisA (the folder holding <c>split_csv/1cls.csv</c> and <c>candle/</c> ... <c>pcb4/</c>): the zero-shot test data.</summary>
    public string? VisaRoot { get; init; }

    /// <summary>Where the trained model and the results go.</summary>
    public string OutputDirectory { get; init; } = Path.Combine(Environment.CurrentDirectory, "zeroshot-output");

    /// <summary>Input side S: 518 in the paper (a 37 x 37 grid for ViT-L/14).</summary>
    public int ImageSize { get; init; } = 518;

    /// <summary>Training epochs (15 in the paper).</summary>
    public int Epochs { get; init; } = 15;

    /// <summary>Images per optimisation step (8 in the paper).</summary>
    public int BatchSize { get; init; } = 8;

    /// <summary>Seed of the initialisation and the shuffles.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>"cpu", "cuda" or "cuda:N": where TorchSharp trains and ONNX Runtime scores (docs/gpu.md).</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>Whether the checkpoint is the built-in random backbone.</summary>
    public bool IsTiny => Checkpoint == "tiny";

    /// <summary>The folder <c>daclip download</c> writes to.</summary>
    public static string DownloadCache => ClipDownloader.DefaultCacheDirectory();

    /// <summary>The command-line help.</summary>
    public static string Usage => $"""
        Zero-shot transfer as in the DA-CLIP paper: train on MVTec AD, test on VisA.

        Usage: dotnet run --project samples/ZeroShotTransfer -c Release [-- options]

          --checkpoint <file>  CLIP checkpoint (env DACLIP_CHECKPOINT; default {Path.Combine(DownloadCache, ClipCheckpoints.ViTL14At336.FileName)})
          --vocab <file>       CLIP vocabulary (env DACLIP_VOCAB; default {Path.Combine(DownloadCache, ClipCheckpoints.BpeVocab.FileName)})
          --mvtec <dir>        MVTec AD root (env DACLIP_MVTEC_ROOT)
          --visa <dir>         VisA root (env DACLIP_VISA_ROOT)
          --output <dir>       model and results (default: ./zeroshot-output)
          --device <device>    cpu (default), cuda or cuda:N
          --size <S>           input side (default 518, the paper's)
          --epochs <n>         training epochs (default 15, the paper's)
          --batch-size <n>     images per step (default 8, the paper's)
          --seed <n>           seed (default 42)
          --help               this text
        """;

    /// <summary>Reads the environment, then the command line; null when it asks for help. Throws <see cref="ArgumentException"/> on a bad argument.</summary>
    public static ZeroShotSettings? Parse(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        var settings = new ZeroShotSettings
        {
            Checkpoint = environment("DACLIP_CHECKPOINT") ?? Existing(Path.Combine(DownloadCache, ClipCheckpoints.ViTL14At336.FileName)),
            Vocab = environment("DACLIP_VOCAB") ?? Existing(Path.Combine(DownloadCache, ClipCheckpoints.BpeVocab.FileName)),
            MvtecRoot = environment("DACLIP_MVTEC_ROOT"),
            VisaRoot = environment("DACLIP_VISA_ROOT"),
        };
        for (int i = 0; i < args.Count; i++)
        {
            string name = args[i];
            if (name is "--help" or "-h" or "-?") return null;
            if (i + 1 >= args.Count) throw new ArgumentException($"{name} needs a value.");
            string value = args[++i];
            settings = name switch
            {
                "--checkpoint" => settings with { Checkpoint = value },
                "--vocab" => settings with { Vocab = value },
                "--mvtec" => settings with { MvtecRoot = value },
                "--visa" => settings with { VisaRoot = value },
                "--output" => settings with { OutputDirectory = Path.GetFullPath(value) },
                "--device" => settings with { Device = value },
                "--size" => settings with { ImageSize = Positive(name, value) },
                "--epochs" => settings with { Epochs = Positive(name, value) },
                "--batch-size" => settings with { BatchSize = Positive(name, value) },
                "--seed" => settings with { Seed = Integer(name, value) },
                _ => throw new ArgumentException($"Unknown option {name}."),
            };
        }
        return settings;
    }

    /// <summary>
    /// What is missing, each with how to get it; empty when everything is in place. <paramref name="givenButMissing"/>
    /// tells whether a path was given that does not exist (a mistake, rather than a first run).
    /// </summary>
    public IReadOnlyList<string> MissingInputs(out bool givenButMissing)
    {
        var missing = new List<string>();
        bool wrongPath = false;
        string? checkpoint = IsTiny ? null : Problem(Checkpoint, File.Exists);
        string? vocab = IsTiny ? null : Problem(Vocab, File.Exists);
        if (checkpoint is not null || vocab is not null)
        {
            missing.Add($"""
                CLIP weights. Checkpoint (--checkpoint or DACLIP_CHECKPOINT): {checkpoint ?? "found"}; vocabulary (--vocab or DACLIP_VOCAB): {vocab ?? "found"}.
                     The paper uses OpenAI's ViT-L/14@336 (about 0.9 GB) with bpe_simple_vocab_16e6.txt.gz. Fetch both with
                       dotnet run --project src/DaClip.Cli -c Release -- download ViT-L-14-336
                     (or `daclip download ViT-L-14-336` with the tool installed); they land in {DownloadCache},
                     where this sample looks by default. See docs/download.md.
                """);
        }
        if (Problem(MvtecRoot, Directory.Exists) is { } mvtec)
        {
            missing.Add($"""
                MVTec AD (--mvtec or DACLIP_MVTEC_ROOT): {mvtec}.
                     Download mvtec_anomaly_detection.tar.xz from https://www.mvtec.com/company/research/datasets/mvtec-ad
                     (CC BY-NC-SA 4.0) and extract it. The root is the folder that holds bottle/, cable/, ... zipper/,
                     each with train/good/, test/<defect>/ and ground_truth/<defect>/<name>_mask.png.
                """);
        }
        if (Problem(VisaRoot, Directory.Exists) is { } visa)
        {
            missing.Add($$"""
                VisA (--visa or DACLIP_VISA_ROOT): {{visa}}.
                     Download VisA_20220922.tar via https://github.com/amazon-science/spot-diff (CC BY-NC-SA 4.0) and
                     extract it. The root is the folder that holds split_csv/1cls.csv and candle/, capsules/, ... pcb4/,
                     each with Data/Images/{Normal,Anomaly}/*.JPG and Data/Masks/Anomaly/*.png.
                """);
        }
        givenButMissing = wrongPath;
        return missing;

        string? Problem(string? path, Func<string, bool> exists)
        {
            if (string.IsNullOrEmpty(path)) return "not given";
            if (exists(path)) return null;
            wrongPath = true;
            return $"'{path}' does not exist";
        }
    }

    private static string? Existing(string path) => File.Exists(path) ? path : null;

    private static int Integer(string name, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n)
            ? n : throw new ArgumentException($"{name} takes a whole number, not '{value}'.");

    private static int Positive(string name, string value) =>
        Integer(name, value) is > 0 and var n ? n : throw new ArgumentException($"{name} must be at least 1, not '{value}'.");
}
