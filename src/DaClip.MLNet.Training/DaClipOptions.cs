using DaClip.MLNet.Training.Export;

namespace DaClip.MLNet.Training;

/// <summary>
/// Options of the DA-CLIP trainer in ML.NET (<c>mlContext.AnomalyDetection.Trainers.DaClip(options)</c>): the data
/// columns, the CLIP backbone, the network options (<see cref="Model"/>, METHOD defaults), the training
/// hyper-parameters (METHOD §6 defaults) and, inherited, the output columns and where the fitted model scores.
/// </summary>
/// <remarks>
/// Inherited <see cref="DaClipScoringOptions.Fit"/> is how images are brought to S x S in training and in scoring
/// (null: Stretch, the DA-CLIP default); inherited <see cref="DaClipScoringOptions.Threshold"/> overrides
/// <see cref="DaClipModelOptions.Threshold"/> of <see cref="Model"/> as the exported threshold.
/// </remarks>
public sealed class DaClipOptions : DaClipScoringOptions
{
    /// <summary>The label column: <c>Boolean</c> (true = anomalous) or <c>Single</c> (1 / 0). Default "Label".</summary>
    public string LabelColumnName { get; set; } = DaClipDefaults.LabelColumnName;

    /// <summary>
    /// The ground-truth mask column, or null (default) for none: <c>String</c> (a mask file path, empty when the image has
    /// none) or <c>Image</c> (from <c>LoadImages</c>). Masks are resized with <see cref="Imaging.MaskLoader"/> at S.
    /// Anomalous images without a mask train with the image-level loss only; normal images count as all-normal.
    /// </summary>
    public string? MaskColumnName { get; set; }

    /// <summary>
    /// The object-class column (<c>String</c>), or null (default). DA-CLIP trains class-agnostically, so it is only
    /// checked and reported (images per class); it matters for the per-class segmentation evaluation.
    /// </summary>
    public string? ClassColumnName { get; set; }

    /// <summary>The CLIP backbone: the path of an OpenAI CLIP checkpoint (see <c>daclip download</c>), or "tiny" (random weights, for demonstrations and tests).</summary>
    public string Backbone { get; set; } = "";

    /// <summary>CLIP's BPE vocabulary (<c>bpe_simple_vocab_16e6.txt.gz</c>) for a checkpoint backbone; not used by "tiny".</summary>
    public string? VocabPath { get; set; }

    /// <summary>The DA-CLIP network options (image size S, taps, α, β, top-k, σ, τ, λ, threshold, prompts, DAR ...), METHOD defaults.</summary>
    public DaClipModelOptions Model { get; set; } = new();

    /// <summary>Passes over the training images (15).</summary>
    public int Epochs { get; set; } = DaClipDefaults.Epochs;

    /// <summary>Images per optimisation step (8).</summary>
    public int BatchSize { get; set; } = DaClipDefaults.BatchSize;

    /// <summary>Adam learning rate (1e-3).</summary>
    public double LearningRate { get; set; } = DaClipDefaults.LearningRate;

    /// <summary>Adam β₁ (0.5, METHOD §6).</summary>
    public double AdamBeta1 { get; set; } = DaClipDefaults.AdamBeta1;

    /// <summary>Adam β₂ (0.999, METHOD §6).</summary>
    public double AdamBeta2 { get; set; } = DaClipDefaults.AdamBeta2;

    /// <summary>
    /// Seed of the initialisation and of the shuffles: the same data, options and seed give the same model on CPU. Null
    /// (default) takes the seed of the <c>MLContext</c> (<c>new MLContext(seed: n)</c> trains as <c>Seed = n</c>); an
    /// unseeded context draws one from its random source, as ML.NET's trainers do, so runs differ.
    /// </summary>
    public int? Seed { get; set; }

    /// <summary>Where the frozen vision tower's outputs are cached between epochs (Auto: memory when it fits, else disk).</summary>
    public FeatureCacheMode FeatureCache { get; set; } = FeatureCacheMode.Auto;

    /// <summary>Folder of the disk feature cache; null uses <c>$XDG_CACHE_HOME/daclip/features</c>.</summary>
    public string? FeatureCacheDirectory { get; set; }

    /// <summary>Training device for TorchSharp: "cpu" (default), "cuda" or "cuda:N" (needs the CUDA backend, docs/gpu.md).</summary>
    public string TrainingDevice { get; set; } = "cpu";

    /// <summary>
    /// libtorch CPU threads for training (process-wide), or null (default) for libtorch's default; 1 suits the tiny
    /// backbone (see <see cref="DaClipTrainingOptions.Threads"/>).
    /// </summary>
    public int? TrainingThreads { get; set; }

    /// <summary>Where to write a training checkpoint after every epoch (atomically); null (default) for none.</summary>
    public string? CheckpointPath { get; set; }

    /// <summary>
    /// A checkpoint to continue from (weights, Adam state and completed epochs), or null (default) to start afresh.
    /// Training then runs the epochs after the checkpoint's up to <see cref="Epochs"/>; with the same data, options and
    /// seed the result is bit-identical to an uninterrupted run on CPU. The checkpoint must come from the same backbone.
    /// </summary>
    public string? ResumeFrom { get; set; }

    /// <summary>
    /// Precision of the ONNX graph the fitted transformer scores with: <see cref="OnnxPrecision.Float32"/> (default, the
    /// reference), <see cref="OnnxPrecision.Int8"/> (faster on CPUs, about a third of the size, small deviation:
    /// docs/onnx-export.md) or <see cref="OnnxPrecision.Float16"/> (for GPUs).
    /// </summary>
    public OnnxPrecision ExportPrecision { get; set; } = OnnxPrecision.Float32;

    /// <summary>Receives training progress after every step (features phase, then epochs); null for none.</summary>
    public IProgress<DaClipTrainingProgress>? Progress { get; set; }

    /// <summary>The training hyper-parameters as the trainer takes them, with the resolved <paramref name="seed"/>.</summary>
    internal DaClipTrainingOptions TrainingOptions(int seed) => new()
    {
        Epochs = Epochs,
        BatchSize = BatchSize,
        LearningRate = LearningRate,
        Beta1 = AdamBeta1,
        Beta2 = AdamBeta2,
        Seed = seed,
        FeatureCache = FeatureCache,
        FeatureCacheDirectory = FeatureCacheDirectory,
        CheckpointPath = CheckpointPath,
        Device = TrainingDevice,
        Threads = TrainingThreads,
    };

    /// <summary>Checks every option; throws a <see cref="DaClipOptionException"/> naming the option and the fix.</summary>
    public void ValidateTraining()
    {
        Validate();
        if (string.IsNullOrWhiteSpace(Backbone))
            throw new DaClipOptionException(nameof(Backbone), "DaClipOptions.Backbone is empty: give the path of a CLIP checkpoint (daclip download fetches one) or \"tiny\" for the random demonstration backbone.");
        if (string.IsNullOrWhiteSpace(LabelColumnName)) throw new DaClipOptionException(nameof(LabelColumnName), "DaClipOptions.LabelColumnName is empty: give the label column.");
        if (!Enum.IsDefined(ExportPrecision))
            throw new DaClipOptionException(nameof(ExportPrecision), $"DaClipOptions.ExportPrecision = {(int)ExportPrecision} is not an OnnxPrecision value: use Float32, Float16 or Int8.");
        if (Model is null) throw new DaClipOptionException(nameof(Model), "DaClipOptions.Model is null: use new DaClipModelOptions() for the METHOD defaults.");
        Model.Validate();
        TrainingOptions(Seed ?? 0).Validate();
    }
}
