using System.CommandLine;
using System.Globalization;
using DaClip.MLNet;
using DaClip.MLNet.Training.Clip;
using DaClip.MLNet.Training.Export;
using DaClip.MLNet.Training.ZeroShot;
using Microsoft.ML;

namespace DaClip.Cli.Common;

/// <summary>The training-free baseline a verb scores with instead of a trained model (<c>--zero-shot</c>).</summary>
/// <param name="Backbone">The resolved backbone.</param>
/// <param name="ImageSize">Input side S; null = the backbone's native resolution.</param>
/// <param name="ObjectName">The object name of the prompts.</param>
internal sealed record ZeroShotSettings(BackboneSource Backbone, int? ImageSize, string ObjectName)
{
    /// <summary>What the summaries and reports call the model.</summary>
    public string Name => $"zero-shot ({(Backbone.IsBuiltIn ? Backbone.Backbone : Path.GetFileName(Backbone.Backbone))})";
}

/// <summary>
/// The <c>--zero-shot</c> options of <c>test</c> and <c>predict</c> and the transformer they build: the frozen backbone,
/// WinCLIP's prompt ensemble, exported to ONNX in memory and wrapped like a saved model, so that scoring, metrics and
/// reports run unchanged.
/// </summary>
internal static class ZeroShotModel
{
    /// <summary>The image column of the in-memory model (paths).</summary>
    private const string ImageColumn = DaClipDefaults.ImageColumnName;

    public static Option<bool> Flag() => new("--zero-shot")
    {
        Description = "Score with the training-free CLIP baseline (WinCLIP-style prompt ensemble over the frozen --backbone, no adapters, no DAR) instead of a trained --model.",
    };

    public static Option<string?> Backbone() => new("--backbone")
    {
        Description = "With --zero-shot: a CLIP checkpoint file, a model fetched with `daclip download`, or a built-in backbone ('tiny': random weights).",
        HelpName = "checkpoint|tiny",
    };

    public static Option<string?> Vocab() => new("--vocab")
    {
        Description = "With --zero-shot and a checkpoint backbone: CLIP's BPE vocabulary (bpe_simple_vocab_16e6.txt.gz); default: the one `daclip download` cached.",
        HelpName = "path",
    };

    public static Option<int?> ImageSize()
    {
        var option = new Option<int?>("--image-size")
        {
            Description = "With --zero-shot: input side S in pixels, a multiple of the backbone's patch size; default: the backbone's native resolution.",
            HelpName = "S",
        };
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is < 1 and var s) r.AddError($"--image-size is {s}: it must be a positive number of pixels.");
        });
        return option;
    }

    public static Option<string> ObjectName() => new("--object")
    {
        Description = "With --zero-shot: the object name in the prompts (e.g. bottle); default 'object' (object-agnostic).",
        HelpName = "name",
        DefaultValueFactory = _ => "object",
    };

    /// <summary>
    /// Checks that exactly one of <c>--model</c> and <c>--zero-shot</c> is given, with a backbone for the latter, and
    /// resolves it; null when a model is used.
    /// </summary>
    /// <exception cref="CliUsageException">Both, neither, or <c>--zero-shot</c> without <c>--backbone</c>.</exception>
    public static ZeroShotSettings? Resolve(string? model, bool zeroShot, string? backbone, string? vocab, int? imageSize, string objectName)
    {
        if (zeroShot && model is not null)
            throw new CliUsageException("--model and --zero-shot exclude each other: score a trained model, or the training-free baseline of a backbone.");
        if (!zeroShot)
        {
            if (model is null) throw new CliUsageException("Give --model model.zip (a model written by `daclip train`), or --zero-shot --backbone <checkpoint|tiny> for the training-free baseline.");
            if (backbone is not null || vocab is not null || imageSize is not null)
                throw new CliUsageException("--backbone, --vocab and --image-size belong to --zero-shot: a trained --model carries its own backbone and size.");
            return null;
        }
        if (string.IsNullOrWhiteSpace(backbone))
            throw new CliUsageException("--zero-shot needs --backbone: a CLIP checkpoint file, a model fetched with `daclip download`, or 'tiny'.");
        if (string.IsNullOrWhiteSpace(objectName)) throw new CliUsageException("--object is empty: give the product's name, or leave it out for 'object'.");
        return new ZeroShotSettings(BackboneSource.Resolve(backbone, vocab), imageSize, objectName);
    }

    /// <summary>Builds the baseline and wraps it as a transformer reading image paths; describes it on <paramref name="error"/> unless <paramref name="quiet"/>.</summary>
    public static DaClipTransformer Create(MLContext ml, ZeroShotSettings s, TextWriter error, bool quiet)
    {
        byte[] onnx;
        using (var backbone = ClipBackbone.Load(s.Backbone.Backbone, s.Backbone.VocabPath))
        {
            var cfg = backbone.Model.Config;
            int size = s.ImageSize ?? cfg.ImageResolution;
            if (size % cfg.VisionPatchSize != 0)
                throw new CliUsageException($"--image-size {size} is not a multiple of the backbone's patch size {cfg.VisionPatchSize}: use e.g. {Math.Max(1, size / cfg.VisionPatchSize) * cfg.VisionPatchSize}.");
            var prompts = new CompositionalPromptEnsemble { ObjectName = s.ObjectName };
            using var network = ZeroShotNetwork.Create(backbone.Model, backbone.Tokenizer, new DaClipModelOptions { ImageSize = size }, prompts);
            if (!quiet)
            {
                error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"Training-free baseline: {cfg.ArchitectureName} backbone, S = {size}, {prompts.NormalPrompts().Count} normal and {prompts.AnomalyPrompts().Count} anomalous prompts about '{s.ObjectName}', τ = {network.Options.Tau:G4} (CLIP's logit scale)."));
                if (s.Backbone.IsTiny)
                    error.WriteLine("Note: backbone 'tiny' has RANDOM weights: its zero-shot scores are not meaningful. Use a real CLIP checkpoint (daclip download).");
            }
            onnx = DaClipOnnxExporter.ExportToBytes(network);
        }
        var view = ml.Data.LoadFromEnumerable(new List<ImageRow>());
        return new DaClipScoringEstimator(ml, onnx, new DaClipScoringOptions { ImageColumnName = ImageColumn }, s.Name).Fit(view);
    }

    private sealed class ImageRow
    {
        public string Image { get; set; } = "";
    }
}
