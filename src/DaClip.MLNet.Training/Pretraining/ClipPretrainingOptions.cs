using DaClip.MLNet.Training.Clip;
using DaClip.MLNet.Training.Synthetic;

namespace DaClip.MLNet.Training.Pretraining;

/// <summary>Settings of contrastive CLIP pretraining on the captioned synthetic corpus (<see cref="ClipPretrainer"/>).</summary>
internal sealed record ClipPretrainingOptions
{
    /// <summary>Architecture to pretrain; null = <see cref="ClipConfig.Mini"/>. Its vocabulary size must match the corpus vocabulary.</summary>
    public ClipConfig? Config { get; init; }

    /// <summary>Seed of the initial weights and of the per-epoch shuffles (1).</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Seed of the caption corpus (2026).</summary>
    public int CorpusSeed { get; init; } = 2026;

    /// <summary>Pretraining images (rendered once; 5000).</summary>
    public int Images { get; init; } = 5000;

    /// <summary>Held-out image-caption pairs for the retrieval accuracy after every epoch (300).</summary>
    public int ValidationImages { get; init; } = 300;

    /// <summary>Share of corpus images with a defect (0.5).</summary>
    public double AnomalousFraction { get; init; } = 0.5;

    /// <summary>
    /// Hard negatives (true): the images come in pairs, the flawless and the defective rendering of one scene, with
    /// captions that differ in the state words (<see cref="Synthetic.Corpus.CaptionCorpus.PairedNegatives"/>), and both halves of a pair
    /// always share a batch, so the InfoNCE loss can only match them by the defect. <see cref="AnomalousFraction"/> is
    /// then one half by construction. False (the default, the shipped <c>mini</c>'s setting): independent images.
    /// Measured (docs/pretraining.md): with hard negatives the class token still did not tell damaged from flawless.
    /// </summary>
    public bool HardNegatives { get; init; }

    /// <summary>Passes over the images (8); every pass re-captions each image with fresh templates and synonyms.</summary>
    public int Epochs { get; init; } = 8;

    /// <summary>Image-caption pairs per step: the InfoNCE loss contrasts each pair with the others of its batch (64).</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Peak AdamW learning rate (1e-3).</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>AdamW decoupled weight decay on weight matrices (0.1; gains, biases, embeddings and the logit scale are not decayed).</summary>
    public double WeightDecay { get; init; } = 0.1;

    /// <summary>Steps of linear learning-rate warm-up before the cosine decay to zero (100).</summary>
    public int WarmupSteps { get; init; } = 100;

    /// <summary>libtorch CPU threads (process-wide); null leaves libtorch's default. Results are reproducible bit for bit for a fixed thread count on one machine type.</summary>
    public int? Threads { get; init; } = 1;

    /// <summary>Where to write the pretraining checkpoint after every epoch (atomically), for resuming; null = none.</summary>
    public string? CheckpointPath { get; init; }

    /// <summary>Largest value the logit scale exp(t) may take (100, as CLIP clamps it).</summary>
    public const double MaxLogitScale = 100.0;

    /// <summary>Checks the values; throws a <see cref="DaClipException"/> naming the option.</summary>
    public void Validate()
    {
        if (Images < 2) throw new DaClipException($"ClipPretrainingOptions.Images = {Images}: use at least 2 images.");
        if (ValidationImages < 0) throw new DaClipException($"ClipPretrainingOptions.ValidationImages = {ValidationImages}: use 0 or more.");
        if (Epochs < 1) throw new DaClipException($"ClipPretrainingOptions.Epochs = {Epochs}: train at least one epoch.");
        if (BatchSize < 2) throw new DaClipException($"ClipPretrainingOptions.BatchSize = {BatchSize}: a contrastive batch needs at least 2 pairs.");
        if (LearningRate <= 0) throw new DaClipException($"ClipPretrainingOptions.LearningRate = {LearningRate}: must be positive.");
        if (WeightDecay < 0) throw new DaClipException($"ClipPretrainingOptions.WeightDecay = {WeightDecay}: must be 0 or more.");
        if (WarmupSteps < 0) throw new DaClipException($"ClipPretrainingOptions.WarmupSteps = {WarmupSteps}: must be 0 or more.");
        if (AnomalousFraction is < 0 or > 1) throw new DaClipException($"ClipPretrainingOptions.AnomalousFraction = {AnomalousFraction}: use 0 to 1.");
        if (HardNegatives && (Images % 2 != 0 || BatchSize % 2 != 0))
            throw new DaClipException($"ClipPretrainingOptions.Images = {Images} and BatchSize = {BatchSize}: with HardNegatives both must be even (images come in flawless/defective pairs).");
        if (Threads is < 1) throw new DaClipException($"ClipPretrainingOptions.Threads = {Threads}: use at least 1, or null for libtorch's default.");
    }

    /// <summary>A one-line description of the corpus and schedule, stored in the weights' provenance.</summary>
    public string Describe() =>
        FormattableString.Invariant($"seed={Seed};corpus_seed={CorpusSeed};images={Images};validation={ValidationImages};anomalous={AnomalousFraction};{(HardNegatives ? "hard_negatives=true;" : "")}epochs={Epochs};batch={BatchSize};lr={LearningRate};wd={WeightDecay};warmup={WarmupSteps};threads={Threads?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "default"}");
}
