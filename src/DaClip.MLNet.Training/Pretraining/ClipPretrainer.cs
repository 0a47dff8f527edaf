using System.Diagnostics;
using DaClip.MLNet.Training.Clip;
using DaClip.MLNet.Training.Clip.Text;
using DaClip.MLNet.Training.Synthetic;
using DaClip.MLNet.Training.Synthetic.Corpus;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DaClip.MLNet.Training.Pretraining;

/// <summary>Outcome of <see cref="ClipPretrainer.Train"/>.</summary>
/// <param name="EpochLosses">Mean InfoNCE loss of every epoch run in this call.</param>
/// <param name="EpochSeconds">Wall time of every epoch run in this call.</param>
/// <param name="Retrieval">Zero-shot retrieval accuracy on the held-out pairs after every epoch run in this call (empty without validation images).</param>
/// <param name="RenderSeconds">Wall time spent rendering the corpus.</param>
/// <param name="EpochsCompleted">Epochs finished in total (including resumed ones).</param>
internal sealed record ClipPretrainingResult(
    IReadOnlyList<double> EpochLosses, IReadOnlyList<double> EpochSeconds, IReadOnlyList<RetrievalAccuracy> Retrieval, double RenderSeconds, int EpochsCompleted);

/// <summary>
/// Contrastive image-text pretraining of a <see cref="ClipModel"/> the way CLIP was made, on the captioned synthetic
/// corpus (<see cref="CaptionCorpus"/>): the symmetric InfoNCE loss (cross-entropy of the image-to-text and
/// text-to-image logits of a batch, averaged) with CLIP's learnable logit scale, clamped at 100; AdamW (decoupled
/// weight decay on weight matrices only) with linear warm-up and cosine decay. Deterministic for a seed on CPU with a
/// fixed thread count: the initial weights come from <see cref="ClipPretrainingOptions.Seed"/>, epoch <c>e</c> visits
/// the images in an order drawn from <c>Random(Seed, e)</c> and captions them with variant <c>e</c>, so a resumed run ends with the same weights as an
/// uninterrupted one. Writes a checkpoint after every epoch (atomically), reports progress and honours cancellation
/// between steps, as <see cref="Training.DaClipTrainer"/> does.
/// </summary>
internal sealed class ClipPretrainer : IDisposable
{
    private readonly Action<string> _log;
    private readonly List<Parameter> _decayed;

    private ClipPretrainer(ClipModel model, WordTokenizer tokenizer, ClipPretrainingOptions options, Action<string>? log)
    {
        Model = model;
        Tokenizer = tokenizer;
        Options = options;
        _log = log ?? (_ => { });
        _decayed = [.. model.named_parameters().Where(p => p.parameter.dim() >= 2 && !IsEmbedding(p.name)).Select(p => p.parameter)];
        Optimizer = torch.optim.AdamW(model.parameters(), options.LearningRate, 0.9, 0.98, 1e-6, weight_decay: 0);
    }

    /// <summary>Builds a randomly initialised model (from <see cref="ClipPretrainingOptions.Seed"/>) and the corpus vocabulary.</summary>
    /// <exception cref="DaClipException">An option is out of range, or the architecture's vocabulary size is not the corpus vocabulary's.</exception>
    public static ClipPretrainer Create(ClipPretrainingOptions options, Action<string>? log = null)
    {
        options.Validate();
        if (options.Threads is int threads) torch.set_num_threads(threads);
        var tokenizer = WordTokenizer.ForCorpus();
        var config = options.Config ?? ClipConfig.Mini;
        if (config.VocabSize != tokenizer.VocabSize)
            throw new DaClipException($"ClipPretrainingOptions.Config has {config.VocabSize} token embeddings but the corpus vocabulary has {tokenizer.VocabSize} ids: set VocabSize to {tokenizer.VocabSize}.");
        var model = new ClipModel(config, options.Seed);
        return new ClipPretrainer(model, tokenizer, options, log);
    }

    /// <summary>The model being trained (owned by the pretrainer until <see cref="Dispose"/>).</summary>
    public ClipModel Model { get; }

    /// <summary>The word vocabulary of the corpus.</summary>
    public WordTokenizer Tokenizer { get; }

    /// <summary>The options.</summary>
    public ClipPretrainingOptions Options { get; }

    /// <summary>The AdamW optimizer over every parameter.</summary>
    public OptimizerHelper Optimizer { get; }

    /// <summary>
    /// Renders the corpus and trains for the remaining epochs. With <paramref name="resumeFrom"/>, weights, optimizer
    /// state and the epoch count come from that checkpoint (same options required).
    /// </summary>
    /// <exception cref="OperationCanceledException">Cancelled; the last checkpoint written stays intact.</exception>
    public ClipPretrainingResult Train(IProgress<ClipPretrainingProgress>? progress = null, CancellationToken cancellation = default, string? resumeFrom = null)
    {
        var o = Options;
        int startEpoch = 0;
        if (resumeFrom is not null)
        {
            startEpoch = ClipPretrainingCheckpoint.Load(resumeFrom, this);
            _log($"Resuming from {resumeFrom} after epoch {startEpoch}.");
        }
        var corpus = new CaptionCorpus(o.CorpusSeed, Model.Config.ImageResolution, o.AnomalousFraction) { PairedNegatives = o.HardNegatives };
        var renderClock = Stopwatch.StartNew();
        var train = Render(corpus, CorpusPartition.Pretrain, o.Images, progress, cancellation);
        var validation = Render(corpus, CorpusPartition.Validation, o.ValidationImages, null, cancellation);
        double renderSeconds = renderClock.Elapsed.TotalSeconds;
        _log($"Rendered {train.Length} + {validation.Length} corpus images of {corpus.ImageSize} px in {renderSeconds:F1} s.");

        int stepsPerEpoch = train.Length / o.BatchSize;
        if (stepsPerEpoch == 0) throw new DaClipException($"ClipPretrainingOptions.Images ({o.Images}) is below the batch size ({o.BatchSize}).");
        int totalSteps = stepsPerEpoch * o.Epochs;
        var losses = new List<double>();
        var seconds = new List<double>();
        var retrieval = new List<RetrievalAccuracy>();
        var total = Stopwatch.StartNew();
        for (int epoch = startEpoch; epoch < o.Epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            var order = EpochOrder(epoch, train.Length);
            double sum = 0;
            Model.train();
            for (int step = 0; step < stepsPerEpoch; step++)
            {
                cancellation.ThrowIfCancellationRequested();
                int globalStep = epoch * stepsPerEpoch + step;
                double lr = LearningRateAt(globalStep, totalSteps);
                var batch = order.AsSpan(step * o.BatchSize, o.BatchSize).ToArray();
                double loss, scale;
                using (ScalarLifetimeGuard.Enter())
                using (torch.NewDisposeScope())
                {
                    using var pixels = Pixels(batch.Select(i => train[i]).ToList());
                    using var ids = Ids(batch.Select(i => CaptionCorpus.Recaption(train[i], epoch)).ToList());
                    var (perImage, perText) = Model.forward(pixels, ids);
                    var labels = torch.arange(batch.Length, dtype: ScalarType.Int64);
                    var l = (nn.functional.cross_entropy(perImage, labels) + nn.functional.cross_entropy(perText, labels)) / 2;
                    Optimizer.zero_grad();
                    l.backward();
                    SetLearningRate(lr);
                    using (torch.no_grad())
                    {
                        foreach (var p in _decayed) p.mul_(1 - lr * o.WeightDecay);
                    }
                    Optimizer.step();
                    using (torch.no_grad()) Model.LogitScale.clamp_(0, Math.Log(ClipPretrainingOptions.MaxLogitScale));
                    loss = l.item<float>();
                    scale = Math.Exp(Model.LogitScale.item<float>());
                }
                if (!double.IsFinite(loss)) throw new DaClipException($"The pretraining loss became {loss} at epoch {epoch + 1}, step {step + 1}. Lower ClipPretrainingOptions.LearningRate.");
                sum += loss;
                int done = (epoch - startEpoch) * stepsPerEpoch + step + 1;
                progress?.Report(new ClipPretrainingProgress("train", epoch + 1, o.Epochs, step + 1, stepsPerEpoch, loss, scale, lr,
                    (step + 1) * (double)o.BatchSize / Math.Max(1e-9, clock.Elapsed.TotalSeconds),
                    TimeSpan.FromSeconds(total.Elapsed.TotalSeconds / done * ((o.Epochs - startEpoch) * stepsPerEpoch - done))));
            }
            Model.eval();
            losses.Add(sum / stepsPerEpoch);
            seconds.Add(clock.Elapsed.TotalSeconds);
            var acc = validation.Length > 0 ? Evaluate(validation, 0) : null;
            if (acc is not null) retrieval.Add(acc);
            _log(FormattableString.Invariant($"epoch {epoch + 1}/{o.Epochs}: mean loss {sum / stepsPerEpoch:F4}, logit scale {Math.Exp(Model.LogitScale.item<float>()):F1}") +
                (acc is null ? "" : $", retrieval {acc}") + FormattableString.Invariant($" ({clock.Elapsed.TotalSeconds:F1} s)"));
            if (o.CheckpointPath is not null) ClipPretrainingCheckpoint.Save(o.CheckpointPath, this, epoch + 1);
        }
        return new ClipPretrainingResult(losses, seconds, retrieval, renderSeconds, o.Epochs);
    }

    /// <summary>
    /// Image-to-caption retrieval on <paramref name="pairs"/>: for each image, the rank of its own caption among all
    /// the pairs' captions (a caption with the same text as the image's own counts as a hit).
    /// </summary>
    public RetrievalAccuracy Evaluate(IReadOnlyList<CaptionedImage> pairs, int captionVariant)
    {
        Model.eval();
        using var guard = ScalarLifetimeGuard.Enter();
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var captions = pairs.Select(p => CaptionCorpus.Recaption(p, captionVariant)).ToList();
        var images = new List<Tensor>();
        var texts = new List<Tensor>();
        for (int s = 0; s < pairs.Count; s += 64)
        {
            var chunk = pairs.Skip(s).Take(64).ToList();
            images.Add(nn.functional.normalize(Model.EncodeImage(Pixels(chunk)), dim: -1));
            texts.Add(nn.functional.normalize(Model.EncodeText(Ids(captions.Skip(s).Take(64).ToList())), dim: -1));
        }
        var sim = torch.matmul(torch.cat(images, 0), torch.cat(texts, 0).t());
        var top = sim.topk(Math.Min(5, pairs.Count), dim: 1).indexes.data<long>().ToArray();
        int k = Math.Min(5, pairs.Count), top1 = 0, top5 = 0;
        for (int i = 0; i < pairs.Count; i++)
        {
            bool Hit(int j) => captions[(int)top[i * k + j]] == captions[i];
            if (Hit(0)) top1++;
            if (Enumerable.Range(0, k).Any(Hit)) top5++;
        }
        return new RetrievalAccuracy(pairs.Count, top1 / (double)pairs.Count, top5 / (double)pairs.Count);
    }

    /// <summary>The learning rate of a step: linear warm-up to the peak over <see cref="ClipPretrainingOptions.WarmupSteps"/>, then cosine decay to zero.</summary>
    public double LearningRateAt(int step, int totalSteps)
    {
        var o = Options;
        if (step < o.WarmupSteps) return o.LearningRate * (step + 1) / o.WarmupSteps;
        double progress = (step - o.WarmupSteps) / (double)Math.Max(1, totalSteps - o.WarmupSteps);
        return 0.5 * o.LearningRate * (1 + Math.Cos(Math.PI * Math.Min(1.0, progress)));
    }

    /// <summary>
    /// The visiting order of epoch <paramref name="epoch"/> (0-based): a Fisher-Yates shuffle seeded by (Seed, epoch); with
    /// <see cref="ClipPretrainingOptions.HardNegatives"/> the pairs are shuffled and each stays adjacent (flawless first),
    /// so that with an even batch size both halves of a pair share a batch.
    /// </summary>
    public int[] EpochOrder(int epoch, int count)
    {
        var rng = new Random(unchecked(Options.Seed * 1_000_003 + epoch));
        if (!Options.HardNegatives)
        {
            var order = Enumerable.Range(0, count).ToArray();
            rng.Shuffle(order);
            return order;
        }
        var pairs = Enumerable.Range(0, count / 2).ToArray();
        rng.Shuffle(pairs);
        return [.. pairs.SelectMany(p => new[] { 2 * p, 2 * p + 1 })];
    }

    /// <summary>Renders <paramref name="count"/> images of a partition (in parallel; the result depends only on the indices).</summary>
    public static CaptionedImage[] Render(CaptionCorpus corpus, CorpusPartition partition, int count, IProgress<ClipPretrainingProgress>? progress, CancellationToken cancellation)
    {
        var images = new CaptionedImage[count];
        var clock = Stopwatch.StartNew();
        int done = 0;
        Parallel.For(0, count, new ParallelOptions { CancellationToken = cancellation, MaxDegreeOfParallelism = Math.Max(1, Environment.ProcessorCount) }, i =>
        {
            images[i] = corpus.Render(partition, i);
            int n = Interlocked.Increment(ref done);
            if (progress is not null && (n % 250 == 0 || n == count))
                progress.Report(new ClipPretrainingProgress("render", 1, 1, n, count, double.NaN, double.NaN, double.NaN, n / Math.Max(1e-9, clock.Elapsed.TotalSeconds),
                    TimeSpan.FromSeconds(clock.Elapsed.TotalSeconds / n * (count - n))));
        });
        return images;
    }

    /// <summary>Normalised pixels [B, 3, S, S] (CLIP's mean and standard deviation, as DA-CLIP's network applies them).</summary>
    private static Tensor Pixels(IReadOnlyList<CaptionedImage> images)
    {
        int side = images[0].Size, plane = side * side;
        var flat = new float[images.Count * 3 * plane];
        var mean = DaClipModelOptions.ClipMean;
        var std = DaClipModelOptions.ClipStd;
        for (int b = 0; b < images.Count; b++)
        {
            var rgb = images[b].Rgb;
            int off = b * 3 * plane;
            for (int i = 0; i < plane; i++)
                for (int c = 0; c < 3; c++)
                    flat[off + c * plane + i] = (rgb[3 * i + c] / 255f - mean[c]) / std[c];
        }
        return torch.tensor(flat, [images.Count, 3, side, side]);
    }

    private Tensor Ids(IReadOnlyList<string> captions)
    {
        int t = Model.Config.ContextLength;
        var flat = new long[captions.Count * t];
        for (int i = 0; i < captions.Count; i++) Tokenizer.Tokenize(captions[i], t, truncate: true).CopyTo(flat, i * t);
        return torch.tensor(flat, [captions.Count, t]);
    }

    private void SetLearningRate(double lr)
    {
        foreach (var g in Optimizer.ParamGroups) g.LearningRate = lr;
    }

    private static bool IsEmbedding(string name) =>
        name.Contains("embedding", StringComparison.Ordinal) || name == "visual.proj" || name == "text_projection";

    /// <inheritdoc/>
    public void Dispose()
    {
        Optimizer.Dispose();
        Model.Dispose();
    }
}
