namespace DaClip.MLNet.Training;

/// <summary>Where the frozen vision tower's outputs are kept between epochs.</summary>
public enum FeatureCacheMode
{
    /// <summary>Memory when the estimated size fits <see cref="DaClipTrainingOptions.MemoryCacheBudgetBytes"/>, else disk.</summary>
    Auto,
    /// <summary>No cache: the vision tower runs every epoch.</summary>
    None,
    /// <summary>float32 in memory.</summary>
    Memory,
    /// <summary>float16 files in <see cref="DaClipTrainingOptions.FeatureCacheDirectory"/>, memory-mapped when read.</summary>
    Disk,
}

/// <summary>Training hyper-parameters (METHOD §6 defaults: Adam lr 1e-3, betas (0.5, 0.999), 15 epochs, batch 8).</summary>
internal sealed record DaClipTrainingOptions
{
    /// <summary>Passes over the auxiliary data (15).</summary>
    public int Epochs { get; init; } = DaClipDefaults.Epochs;

    /// <summary>Images per optimisation step (8).</summary>
    public int BatchSize { get; init; } = DaClipDefaults.BatchSize;

    /// <summary>Adam learning rate (1e-3).</summary>
    public double LearningRate { get; init; } = DaClipDefaults.LearningRate;

    /// <summary>Adam β₁ (0.5).</summary>
    public double Beta1 { get; init; } = DaClipDefaults.AdamBeta1;

    /// <summary>Adam β₂ (0.999).</summary>
    public double Beta2 { get; init; } = DaClipDefaults.AdamBeta2;

    /// <summary>Seed of the trainable initialisation and of the per-epoch shuffles.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Feature cache mode.</summary>
    public FeatureCacheMode FeatureCache { get; init; } = FeatureCacheMode.Auto;

    /// <summary>Folder of the disk cache; null = <c>$XDG_CACHE_HOME/daclip/features</c> (or <c>~/.cache/daclip/features</c>).</summary>
    public string? FeatureCacheDirectory { get; init; }

    /// <summary>Largest in-memory cache <see cref="FeatureCacheMode.Auto"/> chooses (default 4 GiB).</summary>
    public long MemoryCacheBudgetBytes { get; init; } = 4L << 30;

    /// <summary>Where to write the checkpoint after every epoch (atomically); null = no checkpoint file.</summary>
    public string? CheckpointPath { get; init; }

    /// <summary>Training device: <c>cpu</c> or <c>cuda</c> / <c>cuda:N</c> (needs the CUDA TorchSharp backend, see docs/gpu.md).</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>
    /// CPU threads of libtorch's operators (process-wide: <c>torch.set_num_threads</c>); null leaves libtorch's default
    /// (one per physical core). Small backbones such as <c>tiny</c> train fastest on 1: their operations are too small to
    /// gain from threads, and libtorch's OpenMP threads busy-wait for each other, which made training 10-30 times slower
    /// on a machine busy with other work. A real CLIP backbone gains from threads.
    /// </summary>
    public int? Threads { get; init; }

    /// <summary>Checks the values; throws a <see cref="DaClipOptionException"/> naming the option.</summary>
    public void Validate()
    {
        if (Epochs < 1) throw new DaClipOptionException(nameof(Epochs), $"DaClipTrainingOptions.Epochs = {Epochs}: train at least one epoch.");
        if (BatchSize < 1) throw new DaClipOptionException(nameof(BatchSize), $"DaClipTrainingOptions.BatchSize = {BatchSize}: must be at least 1.");
        if (LearningRate <= 0) throw new DaClipOptionException(nameof(LearningRate), $"DaClipTrainingOptions.LearningRate = {LearningRate}: must be positive.");
        if (Beta1 is < 0 or >= 1 || Beta2 is < 0 or >= 1) throw new DaClipOptionException(Beta1 is < 0 or >= 1 ? nameof(Beta1) : nameof(Beta2), "DaClipTrainingOptions.Beta1/Beta2 must be in [0, 1).");
        if (Threads is < 1) throw new DaClipOptionException(nameof(Threads), $"DaClipTrainingOptions.Threads = {Threads}: use at least 1, or null for libtorch's default.");
    }

    /// <summary>The default disk-cache folder.</summary>
    public static string DefaultCacheRoot()
    {
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var root = string.IsNullOrEmpty(xdg) ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache") : xdg;
        return Path.Combine(root, "daclip");
    }
}
