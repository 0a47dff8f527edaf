using System.Globalization;
using System.Security.Cryptography;
using DaClip.MLNet.IO;
using DaClip.MLNet.Training.Clip.Text;
using DaClip.MLNet.Training;
using static TorchSharp.torch;

namespace DaClip.MLNet.Training.Clip;

/// <summary>
/// The embedded pretrained backbone <c>mini</c>: a small CLIP (<see cref="ClipConfig.Mini"/>) pretrained
/// contrastively on the captioned synthetic corpus by <c>daclip pretrain</c>, shipped inside this assembly as fp16
/// safetensors in OpenAI's state-dict layout, with its word vocabulary, fingerprint and provenance (the command, the
/// seed, the corpus settings) in the metadata. It is a stand-in for OpenAI CLIP on synthetic data, not a general model.
/// </summary>
internal static class MiniBackbone
{
    /// <summary>The name that selects it (<c>Backbone = "mini"</c>).</summary>
    public const string Name = "mini";

    /// <summary>Metadata value of <c>daclip.format</c>.</summary>
    public const string Format = "daclip-backbone/1";

    /// <summary>The manifest name of the embedded file.</summary>
    public const string ResourceName = "DaClip.MLNet.Training.Backbones.mini.safetensors";

    /// <summary>True when this build embeds the weights.</summary>
    public static bool IsEmbedded => typeof(MiniBackbone).Assembly.GetManifestResourceInfo(ResourceName) is not null;

    /// <summary>
    /// Writes <paramref name="model"/> as a backbone file: fp16 tensors under OpenAI's names, and metadata
    /// <c>daclip.format</c>, <c>daclip.architecture</c>, <c>daclip.vocab</c>, <c>daclip.fingerprint</c> (of the fp16
    /// weights as loaded back), <c>daclip.provenance.command</c> and <c>daclip.provenance.settings</c>. Atomic, and
    /// free of time stamps, so the same weights give the same bytes.
    /// </summary>
    public static void Write(string path, ClipModel model, WordTokenizer tokenizer, string command, string settings)
    {
        var tensors = new List<SafetensorsTensor>();
        using var rounded = new ClipModel(model.Config);
        var target = rounded.named_parameters().ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);
        using (no_grad())
        {
            foreach (var (name, p) in model.named_parameters().OrderBy(p => p.name, StringComparer.Ordinal))
            {
                var values = p.detach().contiguous().data<float>().ToArray();
                var half = SafetensorsTensor.FromHalf(name, values, p.shape);
                tensors.Add(half);
                var widened = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, Half>(half.Data.Span).ToArray().Select(h => (float)h).ToArray();
                using var t = tensor(widened, p.shape);
                target[name].copy_(t);
            }
        }
        SafetensorsWriter.Write(path, tensors, new Dictionary<string, string>
        {
            ["daclip.format"] = Format,
            ["daclip.architecture"] = model.Config.Describe(),
            ["daclip.vocab"] = tokenizer.Serialize(),
            ["daclip.fingerprint"] = BackboneFingerprint.Of(rounded),
            ["daclip.provenance.command"] = command,
            ["daclip.provenance.settings"] = settings,
        });
    }

    /// <summary>True when <paramref name="path"/> is a backbone file written by <see cref="Write"/> (e.g. by <c>daclip pretrain</c>).</summary>
    public static bool IsBackboneFile(string path)
    {
        if (!File.Exists(path) || !SafetensorsFile.LooksLikeSafetensors(path)) return false;
        try
        {
            using var f = SafetensorsFile.Open(path);
            return f.Metadata.GetValueOrDefault("daclip.format") == Format;
        }
        catch (DaClipFileFormatException)
        {
            return false;
        }
    }

    /// <summary>The metadata of the embedded file.</summary>
    /// <exception cref="DaClipException">This build has no embedded weights.</exception>
    public static IReadOnlyDictionary<string, string> Metadata()
    {
        using var f = SafetensorsFile.Open(ExtractedPath());
        return new Dictionary<string, string>(f.Metadata);
    }

    /// <summary>Loads the embedded backbone (CPU, eval mode) with its word tokenizer, checking the fingerprint.</summary>
    /// <exception cref="DaClipException">This build has no embedded weights, or they do not match their fingerprint.</exception>
    public static ClipBackbone Load() => LoadFile(ExtractedPath(), Name);

    /// <summary>Loads a backbone file written by <see cref="Write"/> (e.g. a fresh <c>daclip pretrain</c> output), checking its fingerprint.</summary>
    /// <exception cref="DaClipException">Not a backbone file, or its weights do not match its fingerprint.</exception>
    public static ClipBackbone LoadFile(string path, string? source = null)
    {
        string vocab, fingerprint;
        using (var f = SafetensorsFile.Open(path))
        {
            if (f.Metadata.GetValueOrDefault("daclip.format") != Format)
                throw new DaClipFileFormatException(path, $"is not a DaClip backbone file (metadata daclip.format is '{f.Metadata.GetValueOrDefault("daclip.format") ?? "absent"}', expected '{Format}').");
            vocab = f.Metadata["daclip.vocab"];
            fingerprint = f.Metadata["daclip.fingerprint"];
        }
        var tokenizer = WordTokenizer.Deserialize(vocab);
        var model = ClipCheckpoint.Load(path);
        var actual = BackboneFingerprint.Of(model);
        if (actual != fingerprint || tokenizer.VocabSize != model.Config.VocabSize)
        {
            model.Dispose();
            throw new DaClipFileFormatException(path, $"does not match its metadata (fingerprint {actual}, recorded {fingerprint}; vocabulary {tokenizer.VocabSize} ids): the file is damaged. Rebuild it with `daclip pretrain`.");
        }
        return new ClipBackbone(model, tokenizer, source ?? Path.GetFullPath(path));
    }

    /// <summary>
    /// The embedded file copied to the user cache (<c>~/.cache/daclip/backbones/mini-&lt;sha256&gt;.safetensors</c>),
    /// written atomically on first use, so that it is read memory-mapped like any checkpoint.
    /// </summary>
    /// <exception cref="DaClipException">This build has no embedded weights.</exception>
    public static string ExtractedPath()
    {
        using var stream = typeof(MiniBackbone).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new DaClipException("This build of DaClip.MLNet.Training has no embedded 'mini' backbone (src/DaClip.MLNet.Training/Backbones/mini.safetensors was absent at build time). " +
                "Rebuild it with `daclip pretrain --out src/DaClip.MLNet.Training/Backbones/mini.safetensors` (docs/pretraining.md), or use Backbone = \"tiny\".");
        using var ms = new MemoryStream();
        stream.CopyTo(ms);
        var bytes = ms.ToArray();
        var hash = Convert.ToHexStringLower(SHA256.HashData(bytes))[..16];
        var path = Path.Combine(DaClipTrainingOptions.DefaultCacheRoot(), "backbones", string.Create(CultureInfo.InvariantCulture, $"mini-{hash}.safetensors"));
        if (!File.Exists(path) || new FileInfo(path).Length != bytes.Length)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            AtomicFile.Write(path, s => s.Write(bytes));
        }
        return path;
    }
}
