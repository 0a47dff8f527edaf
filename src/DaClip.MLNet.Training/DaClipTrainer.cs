using System.Diagnostics;
using DaClip.MLNet.Training.Clip;
using DaClip.MLNet.Training.Network;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DaClip.MLNet.Training;

/// <summary>Outcome of <see cref="DaClipTrainer.Train"/>.</summary>
/// <param name="EpochLosses">Mean batch loss of every epoch run in this call.</param>
/// <param name="EpochSeconds">Wall time of every epoch run in this call (the first includes encoding the images for the cache).</param>
/// <param name="FeatureSeconds">Wall time spent in the frozen vision tower.</param>
/// <param name="CacheMode">The cache mode actually used.</param>
/// <param name="EpochsCompleted">Epochs finished in total (including resumed ones).</param>
internal sealed record DaClipTrainingResult(
    IReadOnlyList<double> EpochLosses, IReadOnlyList<double> EpochSeconds, double FeatureSeconds, FeatureCacheMode CacheMode, int EpochsCompleted);

/// <summary>
/// Trains DA-CLIP's Token Adapters, slot embeddings, DAR block and gammas on an auxiliary dataset (METHOD §6) with
/// Adam; the CLIP backbone stays frozen. Deterministic for a seed on CPU: initialisation from
/// a generator seeded with <c>Seed</c>, epoch <c>e</c> visits the images in an order drawn from <c>Random(Seed, e)</c>, and
/// cached features are encoded in index order, so a resumed run ends with the same weights as an uninterrupted one.
/// Writes a checkpoint after every epoch (atomically), reports progress and honours cancellation between steps.
/// </summary>
internal sealed class DaClipTrainer
{
    private readonly Action<string> _log;
    private readonly Device _device;
    private bool _warnedNoMask;

    private DaClipTrainer(DaClipNetwork network, DaClipTrainingOptions options, Device device, Action<string>? log)
    {
        Network = network;
        Options = options;
        _device = device;
        _log = log ?? (_ => { });
        Optimizer = torch.optim.Adam(network.parameters(), options.LearningRate, options.Beta1, options.Beta2);
    }

    /// <summary>
    /// Builds the network's trainable parts over the frozen backbone, initialised from
    /// <see cref="DaClipTrainingOptions.Seed"/> alone, and moves everything to the training device.
    /// </summary>
    public static DaClipTrainer Create(ClipModel clip, PromptBank prompts, DaClipModelOptions modelOptions, DaClipTrainingOptions options, Action<string>? log = null)
    {
        options.Validate();
        var device = ParseDevice(options.Device);
        if (options.Threads is int threads) torch.set_num_threads(threads);
        var network = new DaClipNetwork(clip, prompts, modelOptions, options.Seed);
        if (device.type != DeviceType.CPU)
        {
            clip.to(device);
            network.to(device);
        }
        return new DaClipTrainer(network, options, device, log);
    }

    /// <summary>The network being trained.</summary>
    public DaClipNetwork Network { get; }

    /// <summary>The training options.</summary>
    public DaClipTrainingOptions Options { get; }

    /// <summary>The Adam optimizer over the trainable tensors.</summary>
    public OptimizerHelper Optimizer { get; }

    /// <summary>
    /// Trains for the remaining epochs. With <paramref name="resumeFrom"/>, weights, optimizer state and the epoch count
    /// come from that checkpoint (same backbone required).
    /// </summary>
    /// <exception cref="OperationCanceledException">Cancelled; the last checkpoint written stays intact.</exception>
    public DaClipTrainingResult Train(ITrainingSet data, IProgress<DaClipTrainingProgress>? progress = null, CancellationToken cancellation = default, string? resumeFrom = null)
    {
        if (data.Count == 0) throw new DaClipException("The training set is empty: give at least one auxiliary image.");
        int startEpoch = 0;
        if (resumeFrom is not null)
        {
            startEpoch = DaClipCheckpoint.Load(resumeFrom, Network, Optimizer).EpochsCompleted;
            _log($"Resuming from {resumeFrom} after epoch {startEpoch}.");
        }
        if (Network.Clip.Config.ArchitectureName == "tiny")
            _log("Backbone 'tiny' has RANDOM weights: it demonstrates the pipeline only; use real CLIP weights (daclip download) for meaningful results.");

        var featureSettings = $"S={Network.Options.ImageSize};taps={string.Join(",", Network.Visual.Taps)};vv={Network.Visual.VvStartLayer};interp={Network.Options.PositionalInterpolation}";
        var fingerprint = BackboneFingerprint.Of(Network.Clip);
        var mode = ChooseCacheMode(data.Count);
        using IFeatureCache? cache = mode switch
        {
            FeatureCacheMode.Memory => new MemoryFeatureCache(),
            FeatureCacheMode.Disk => new DiskFeatureCache(Options.FeatureCacheDirectory ?? Path.Combine(DaClipTrainingOptions.DefaultCacheRoot(), "features")),
            _ => null,
        };
        _log($"Training {Options.Epochs - startEpoch} epoch(s) on {data.Count} images, batch {Options.BatchSize}, feature cache: {mode}.");

        var total = Stopwatch.StartNew();
        double featureSeconds = 0;
        var items = new ItemInfo[data.Count];
        var epochSeconds = new List<double>();
        var epochLosses = new List<double>();
        int stepsPerEpoch = (data.Count + Options.BatchSize - 1) / Options.BatchSize;
        int epochsToRun = Options.Epochs - startEpoch;

        var firstEpochClock = Stopwatch.StartNew();
        if (cache is not null) featureSeconds += EncodeAll(data, cache, items, fingerprint, featureSettings, progress, cancellation, epochsToRun, total);

        for (int epoch = startEpoch; epoch < Options.Epochs; epoch++)
        {
            var clock = epoch == startEpoch ? firstEpochClock : Stopwatch.StartNew();
            var order = EpochOrder(epoch, data.Count);
            double lossSum = 0;
            for (int step = 0; step < stepsPerEpoch; step++)
            {
                cancellation.ThrowIfCancellationRequested();
                var batch = order.Skip(step * Options.BatchSize).Take(Options.BatchSize).ToArray();
                using var guard = ScalarLifetimeGuard.Enter();
                using var scope = torch.NewDisposeScope();
                var (visual, masks, hasMask, labels, encodeSeconds) = Gather(batch, data, cache, items);
                featureSeconds += encodeSeconds;
                Network.train();
                using var text = Network.EncodeText();
                var o = Network.Forward(visual, text, pixelMaps: false);
                var loss = DaClipLoss.Compute(Network.Head, o.LocalMaps, o.GlobalMaps, o.GlobalLogits, masks, hasMask, labels, Network.Options.Lambda);
                Optimizer.zero_grad();
                loss.Total.backward();
                Optimizer.step();
                double l = loss.Total.item<float>();
                if (!double.IsFinite(l)) throw new DaClipException($"The training loss became {l} at epoch {epoch + 1}, step {step + 1}. Lower the learning rate (DaClipTrainingOptions.LearningRate or DaClipOptions.LearningRate; on the command line `daclip train --learning-rate`, default 1e-3), e.g. tenfold.");
                lossSum += l;
                progress?.Report(new DaClipTrainingProgress("train", epoch + 1, Options.Epochs, step + 1, stepsPerEpoch, l,
                    loss.Focal.item<float>(), loss.Dice.item<float>(), loss.CrossEntropy.item<float>(),
                    (step + 1) * (double)Options.BatchSize / Math.Max(1e-9, clock.Elapsed.TotalSeconds),
                    Eta(total.Elapsed, (epoch - startEpoch) * stepsPerEpoch + step + 1, epochsToRun * stepsPerEpoch)));
            }
            Network.eval();
            epochSeconds.Add(clock.Elapsed.TotalSeconds);
            epochLosses.Add(lossSum / stepsPerEpoch);
            _log($"epoch {epoch + 1}/{Options.Epochs}: mean loss {lossSum / stepsPerEpoch:F4} ({clock.Elapsed.TotalSeconds:F1} s)");
            if (Options.CheckpointPath is not null) DaClipCheckpoint.Save(Options.CheckpointPath, Network, Optimizer, Options, epoch + 1);
        }
        return new DaClipTrainingResult(epochLosses, epochSeconds, featureSeconds, mode, Options.Epochs);
    }

    private sealed class ItemInfo
    {
        public string Key = "";
        public bool Label;
        public bool HasMask;
        public byte[]? PackedMask;
    }

    private FeatureCacheMode ChooseCacheMode(int count)
    {
        if (Options.FeatureCache != FeatureCacheMode.Auto) return Options.FeatureCache;
        var cfg = Network.Clip.Config;
        long perImage = ((long)Network.Visual.Taps.Length * Network.Grid * Network.Grid * cfg.EmbedDim + cfg.EmbedDim) * sizeof(float);
        return perImage * count <= Options.MemoryCacheBudgetBytes ? FeatureCacheMode.Memory : FeatureCacheMode.Disk;
    }

    /// <summary>The visiting order of epoch <paramref name="epoch"/> (0-based): a Fisher-Yates shuffle seeded by (Seed, epoch).</summary>
    public int[] EpochOrder(int epoch, int count)
    {
        var order = Enumerable.Range(0, count).ToArray();
        new Random(unchecked(Options.Seed * 1_000_003 + epoch)).Shuffle(order);
        return order;
    }

    private double EncodeAll(ITrainingSet data, IFeatureCache cache, ItemInfo[] items, string fingerprint, string settings,
        IProgress<DaClipTrainingProgress>? progress, CancellationToken cancellation, int epochsToRun, Stopwatch total)
    {
        var clock = Stopwatch.StartNew();
        double encodeSeconds = 0;
        for (int start = 0; start < data.Count; start += Options.BatchSize)
        {
            cancellation.ThrowIfCancellationRequested();
            var pending = new List<(int Index, float[] Pixels)>();
            for (int i = start; i < Math.Min(data.Count, start + Options.BatchSize); i++)
            {
                var ex = data.Get(i);
                items[i] = Describe(ex);
                items[i].Key = IFeatureCache.Key(fingerprint, settings, ex.Pixels);
                if (!cache.TryGet(items[i].Key, out _, out _)) pending.Add((i, ex.Pixels));
            }
            if (pending.Count > 0)
            {
                var sw = Stopwatch.StartNew();
                using var guard = ScalarLifetimeGuard.Enter();
                using var scope = torch.NewDisposeScope();
                using var f = Network.EncodeVisual(Stack(pending.Select(p => p.Pixels).ToList()));
                using var patches = f.PatchFeatures.cpu();
                using var global = f.Global.cpu();
                for (int j = 0; j < pending.Count; j++)
                    cache.Put(items[pending[j].Index].Key, patches[j].data<float>().ToArray(), global[j].data<float>().ToArray());
                encodeSeconds += sw.Elapsed.TotalSeconds;
            }
            int done = Math.Min(data.Count, start + Options.BatchSize);
            progress?.Report(new DaClipTrainingProgress("features", 1, Options.Epochs, done, data.Count, double.NaN, double.NaN, double.NaN, double.NaN,
                done / Math.Max(1e-9, clock.Elapsed.TotalSeconds), TimeSpan.FromSeconds(clock.Elapsed.TotalSeconds / done * (data.Count - done))));
        }
        return encodeSeconds;
    }

    private ItemInfo Describe(TrainingExample ex)
    {
        int side = Network.Options.ImageSize;
        if (ex.Pixels.Length != 3 * side * side)
            throw new DaClipException($"A training image has {ex.Pixels.Length} values; {side}x{side} RGB needs {3 * side * side}. Preprocess images to DaClipModelOptions.ImageSize.");
        if (ex.Mask is not null && ex.Mask.Length != side * side)
            throw new DaClipException($"A training mask has {ex.Mask.Length} values; {side}x{side} needs {side * side}.");
        bool hasMask = ex.Mask is not null || !ex.Label;
        if (!hasMask && !_warnedNoMask)
        {
            _warnedNoMask = true;
            _log("Some anomalous training images have no mask: they train with the image-level loss only.");
        }
        return new ItemInfo { Label = ex.Label, HasMask = hasMask, PackedMask = ex.Mask is null ? null : PackBits(ex.Mask) };
    }

    private (VisualFeatures Visual, Tensor Masks, Tensor HasMask, Tensor Labels, double EncodeSeconds) Gather(
        int[] batch, ITrainingSet data, IFeatureCache? cache, ItemInfo[] items)
    {
        int side = Network.Options.ImageSize;
        var masks = new float[batch.Length * side * side];
        var hasMask = new bool[batch.Length];
        var labels = new long[batch.Length];
        double encodeSeconds = 0;
        VisualFeatures visual;
        if (cache is null)
        {
            var pixels = new List<float[]>(batch.Length);
            for (int b = 0; b < batch.Length; b++)
            {
                var ex = data.Get(batch[b]);
                items[batch[b]] = Describe(ex);
                pixels.Add(ex.Pixels);
            }
            var sw = Stopwatch.StartNew();
            visual = Network.EncodeVisual(Stack(pixels));
            encodeSeconds = sw.Elapsed.TotalSeconds;
        }
        else
        {
            var patches = new List<float[]>(batch.Length);
            var globals = new List<float[]>(batch.Length);
            foreach (var i in batch)
            {
                if (!cache.TryGet(items[i].Key, out var p, out var g))
                    throw new DaClipException("A cached feature entry disappeared during training (was the cache folder cleared?). Run again.");
                patches.Add(p);
                globals.Add(g);
            }
            var cfg = Network.Clip.Config;
            long taps = Network.Visual.Taps.Length, count = (long)Network.Grid * Network.Grid;
            visual = new VisualFeatures(
                torch.tensor(patches.SelectMany(x => x).ToArray(), [batch.Length, taps, count, cfg.EmbedDim], device: _device),
                torch.tensor(globals.SelectMany(x => x).ToArray(), [batch.Length, cfg.EmbedDim], device: _device));
        }
        for (int b = 0; b < batch.Length; b++)
        {
            var info = items[batch[b]];
            labels[b] = info.Label ? 1 : 0;
            hasMask[b] = info.HasMask;
            if (info.PackedMask is not null) UnpackBits(info.PackedMask, masks.AsSpan(b * side * side, side * side));
        }
        return (visual,
            torch.tensor(masks, [batch.Length, side, side], device: _device),
            torch.tensor(hasMask, device: _device),
            torch.tensor(labels, device: _device),
            encodeSeconds);
    }

    private Tensor Stack(IReadOnlyList<float[]> pixels)
    {
        int side = Network.Options.ImageSize;
        var flat = new float[pixels.Count * 3 * side * side];
        for (int i = 0; i < pixels.Count; i++) pixels[i].CopyTo(flat, i * 3 * side * side);
        return torch.tensor(flat, [pixels.Count, 3, side, side], device: _device);
    }

    private static byte[] PackBits(byte[] mask)
    {
        var packed = new byte[(mask.Length + 7) / 8];
        for (int i = 0; i < mask.Length; i++) if (mask[i] != 0) packed[i >> 3] |= (byte)(1 << (i & 7));
        return packed;
    }

    private static void UnpackBits(byte[] packed, Span<float> into)
    {
        for (int i = 0; i < into.Length; i++) into[i] = (packed[i >> 3] >> (i & 7) & 1) != 0 ? 1f : 0f;
    }

    private static TimeSpan Eta(TimeSpan elapsed, int done, int total) =>
        done <= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(elapsed.TotalSeconds / done * Math.Max(0, total - done));

    private static Device ParseDevice(string device)
    {
        try
        {
            var d = torch.device(device);
            if (d.type == DeviceType.CUDA && !torch.cuda.is_available())
                throw new DaClipException($"DaClipTrainingOptions.Device = '{device}' but CUDA is not available to TorchSharp. Build with -p:DaClipTorchBackend=cuda on a CUDA machine (docs/gpu.md) or use 'cpu'.");
            return d;
        }
        catch (ArgumentException)
        {
            throw new DaClipOptionException(nameof(DaClipTrainingOptions.Device), $"DaClipTrainingOptions.Device = '{device}' is not a device name: use 'cpu', 'cuda' or 'cuda:N'.");
        }
    }
}
