using DaClip.MLNet.Training.ZeroShot;

namespace DaClip.MLNet.Training;

/// <summary>
/// Options of the training-free CLIP anomaly detector in ML.NET
/// (<c>mlContext.AnomalyDetection.Trainers.DaClipZeroShot(options)</c>,
/// <c>mlContext.Transforms.DetectAnomaliesZeroShot(options)</c>): the image column, the CLIP backbone, the prompt
/// ensemble, the map and score options (<see cref="Model"/>: S, taps, V-V start, β, top-k, σ, threshold) and,
/// inherited, the output columns and where the model scores. No training data and no training options: nothing learns.
/// </summary>
public sealed class DaClipZeroShotOptions : DaClipScoringOptions
{
    /// <summary>The CLIP backbone: the path of an OpenAI CLIP checkpoint, or a built-in name such as "tiny" (random weights).</summary>
    public string Backbone { get; set; } = "";

    /// <summary>CLIP's BPE vocabulary (<c>bpe_simple_vocab_16e6.txt.gz</c>) for a checkpoint backbone; not used by built-in backbones.</summary>
    public string? VocabPath { get; set; }

    /// <summary>
    /// Image size S, taps, V-V start layer, β, top-k, σ and threshold (METHOD defaults). The text-branch, DAR and
    /// training options are not used; α has no effect (one text feature pair serves both levels); τ is replaced by
    /// CLIP's own temperature when <see cref="UseClipLogitScale"/>.
    /// </summary>
    public DaClipModelOptions Model { get; set; } = new();

    /// <summary>The prompt ensemble (WinCLIP's states and templates with "object" by default).</summary>
    public CompositionalPromptEnsemble Prompts { get; set; } = new();

    /// <summary>Use the checkpoint's temperature <c>1 / exp(logit_scale)</c> as τ (true, default), or <see cref="DaClipModelOptions.Tau"/> (false).</summary>
    public bool UseClipLogitScale { get; set; } = true;

    /// <summary>Checks every option; throws a <see cref="DaClipOptionException"/> naming the option and the fix.</summary>
    public void ValidateZeroShot()
    {
        Validate();
        if (string.IsNullOrWhiteSpace(Backbone))
            throw new DaClipOptionException(nameof(Backbone), "DaClipZeroShotOptions.Backbone is empty: give the path of a CLIP checkpoint (daclip download fetches one) or a built-in backbone name such as \"tiny\".");
        if (Model is null) throw new DaClipOptionException(nameof(Model), "DaClipZeroShotOptions.Model is null: use new DaClipModelOptions() for the METHOD defaults.");
        if (Prompts is null) throw new DaClipOptionException(nameof(Prompts), "DaClipZeroShotOptions.Prompts is null: use new CompositionalPromptEnsemble() for WinCLIP's ensemble.");
        Model.Validate();
        Prompts.Validate();
    }
}
