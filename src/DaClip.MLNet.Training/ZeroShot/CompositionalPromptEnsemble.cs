using System.Globalization;
using DaClip.MLNet.Training.Clip;
using DaClip.MLNet.Training.Clip.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace DaClip.MLNet.Training.ZeroShot;

/// <summary>
/// The compositional prompt ensemble of the training-free baseline, in the style of WinCLIP: every state word
/// (with <c>{0}</c> for the object name) inside every template (with <c>{0}</c> for the state), for the normal and
/// for the anomalous states. Each prompt is encoded by the frozen CLIP text tower and L2-normalised; the features of
/// the normal prompts are averaged and re-normalised into <c>t_n</c>, those of the anomalous prompts into <c>t_a</c>.
/// </summary>
/// <remarks>
/// The defaults are WinCLIP's lists (7 normal and 4 anomalous states, 22 templates: 242 prompts) with the
/// object-agnostic name "object", so no class name is needed; give <see cref="ObjectName"/> (e.g. "bottle") when
/// the product is known.
/// </remarks>
public sealed record CompositionalPromptEnsemble
{
    /// <summary>The object name that fills <c>{0}</c> of the states (default "object": object-agnostic).</summary>
    public string ObjectName { get; init; } = "object";

    /// <summary>Normal state words; <c>{0}</c> is the object name.</summary>
    public IReadOnlyList<string> NormalStates { get; init; } =
        ["{0}", "flawless {0}", "perfect {0}", "unblemished {0}", "{0} without flaw", "{0} without defect", "{0} without damage"];

    /// <summary>Anomalous state words; <c>{0}</c> is the object name.</summary>
    public IReadOnlyList<string> AnomalyStates { get; init; } = ["damaged {0}", "{0} with flaw", "{0} with defect", "{0} with damage"];

    /// <summary>Sentence templates; <c>{0}</c> is the state.</summary>
    public IReadOnlyList<string> Templates { get; init; } =
    [
        "a cropped photo of the {0}.", "a cropped photo of a {0}.", "a close-up photo of a {0}.", "a close-up photo of the {0}.",
        "a bright photo of a {0}.", "a bright photo of the {0}.", "a dark photo of the {0}.", "a dark photo of a {0}.",
        "a jpeg corrupted photo of a {0}.", "a jpeg corrupted photo of the {0}.", "a blurry photo of the {0}.", "a blurry photo of a {0}.",
        "a photo of a {0}.", "a photo of the {0}.", "a photo of a small {0}.", "a photo of the small {0}.",
        "a photo of a large {0}.", "a photo of the large {0}.", "a photo of the {0} for visual inspection.",
        "a photo of a {0} for visual inspection.", "a photo of the {0} for anomaly detection.", "a photo of a {0} for anomaly detection.",
    ];

    /// <summary>
    /// A small ensemble for backbones with a small word vocabulary (such as <c>mini</c>): WinCLIP's states without
    /// "unblemished", in the two templates "a photo of a {0}." and "a photo of the {0}.", whose words such a vocabulary
    /// knows (WinCLIP's other template words, e.g. "cropped", "blurry", "inspection", would be unknown tokens).
    /// </summary>
    public static CompositionalPromptEnsemble Plain { get; } = new()
    {
        NormalStates = ["{0}", "flawless {0}", "perfect {0}", "{0} without flaw", "{0} without defect", "{0} without damage"],
        Templates = ["a photo of a {0}.", "a photo of the {0}."],
    };

    /// <summary>The normal prompts: every normal state in every template, states outermost.</summary>
    public IReadOnlyList<string> NormalPrompts() => Compose(NormalStates);

    /// <summary>The anomalous prompts, in the order of <see cref="NormalPrompts"/>.</summary>
    public IReadOnlyList<string> AnomalyPrompts() => Compose(AnomalyStates);

    /// <summary>Checks the lists; throws a <see cref="DaClipOptionException"/> naming the property and the fix.</summary>
    public void Validate()
    {
        void Require(bool ok, string message)
        {
            if (!ok) throw new DaClipOptionException(message[..message.IndexOfAny([' ', '=', ':'])], "CompositionalPromptEnsemble." + message);
        }
        Require(!string.IsNullOrWhiteSpace(ObjectName), "ObjectName is empty: give the product's name, or \"object\" for object-agnostic prompts.");
        Require(NormalStates is { Count: > 0 } && AnomalyStates is { Count: > 0 }, "NormalStates and AnomalyStates must each hold at least one state.");
        Require(Templates is { Count: > 0 }, "Templates is empty: give at least one sentence such as \"a photo of a {0}.\".");
        foreach (var t in Templates)
            Require(t.Contains("{0}", StringComparison.Ordinal), $"Templates: '{t}' has no {{0}} where the state goes.");
        foreach (var s in NormalStates.Concat(AnomalyStates))
            Require(s.Contains("{0}", StringComparison.Ordinal), $"States: '{s}' has no {{0}} where the object name goes.");
    }

    /// <summary>
    /// The L2-normalised text feature of each prompt, [prompts, D], normal prompts first, computed by the frozen text
    /// tower of <paramref name="clip"/> (no gradient).
    /// </summary>
    internal Tensor PromptFeatures(ClipModel clip, IClipTokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(clip);
        ArgumentNullException.ThrowIfNull(tokenizer);
        Validate();
        var prompts = NormalPrompts().Concat(AnomalyPrompts()).ToList();
        int context = clip.Config.ContextLength;
        using var _ = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var device = clip.TextPositionalEmbedding.device;
        var features = new List<Tensor>();
        const int chunk = 64;
        for (int start = 0; start < prompts.Count; start += chunk)
        {
            var part = prompts.Skip(start).Take(chunk).ToList();
            var rows = part.Select(p => tokenizer.Tokenize(p, context)).ToList();
            var eot = rows.Select(r => (long)Array.IndexOf(r, (long)tokenizer.EotId)).ToArray();
            if (eot.Any(e => e < 0)) throw new DaClipException($"A prompt of the ensemble does not fit CLIP's context of {context} tokens: shorten the templates or states.");
            var ids = torch.tensor(rows.SelectMany(r => r).ToArray(), [part.Count, context], device: device);
            // Causal attention: rows after the last EOT never reach an EOT row, so they are dropped (exact).
            var tokens = clip.EmbedText(ids).narrow(1, 0, eot.Max() + 1);
            var final = clip.TextTower(tokens);
            var picked = final[torch.arange(part.Count, device: device), torch.tensor(eot, device: device)];
            features.Add(nn.functional.normalize(clip.ProjectText(picked), dim: -1));
        }
        return torch.cat(features, 0).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// <c>[t_n, t_a]</c>, [2, D]: the re-normalised means of the normal and of the anomalous prompts' normalised
    /// features, from the frozen text tower of <paramref name="clip"/>.
    /// </summary>
    internal Tensor TextFeatures(ClipModel clip, IClipTokenizer tokenizer)
    {
        using var scope = torch.NewDisposeScope();
        var all = PromptFeatures(clip, tokenizer);
        int normal = NormalPrompts().Count;
        var tn = nn.functional.normalize(all.narrow(0, 0, normal).mean([0]), dim: -1);
        var ta = nn.functional.normalize(all.narrow(0, normal, all.shape[0] - normal).mean([0]), dim: -1);
        return torch.stack([tn, ta], 0).MoveToOuterDisposeScope();
    }

    private List<string> Compose(IReadOnlyList<string> states) =>
        states.SelectMany(s => Templates.Select(t => string.Format(CultureInfo.InvariantCulture, t,
            string.Format(CultureInfo.InvariantCulture, s, ObjectName)))).ToList();
}
