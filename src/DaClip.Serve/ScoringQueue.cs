using System.Diagnostics;
using System.Threading.Channels;

namespace DaClip.Serve;

/// <summary>
/// Dynamic batching onto one scorer: requests put preprocessed images in a bounded queue; one loop takes the first
/// waiting image, waits at most <c>maxWait</c> for more (up to <c>maxBatch</c>), runs the model once on the batch and
/// completes each image's task. A request whose images do not all fit is refused whole (<see cref="QueueFullException"/>).
/// <see cref="DrainAsync"/> refuses new images and scores every image already queued.
/// </summary>
internal sealed class ScoringQueue
{
    private sealed record Job(float[] Pixels, TaskCompletionSource<ScoredImage> Result, long EnqueuedAt);

    private readonly BatchScorer _score;
    private readonly int _tensorLength, _maxBatch, _capacity;
    private readonly TimeSpan _maxWait;
    private readonly ServeMetrics _metrics;
    private readonly Channel<Job> _channel = Channel.CreateUnbounded<Job>(new UnboundedChannelOptions { SingleReader = true });
    private readonly object _admission = new();
    private readonly Task _loop;
    private int _queued;
    private bool _closed;

    public ScoringQueue(BatchScorer score, int tensorLength, int maxBatch, TimeSpan maxWait, int capacity, ServeMetrics metrics)
    {
        _score = score;
        _tensorLength = tensorLength;
        _maxBatch = maxBatch;
        _maxWait = maxWait;
        _capacity = capacity;
        _metrics = metrics;
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>Images waiting for a model run.</summary>
    public int Length => Volatile.Read(ref _queued);

    /// <summary>Most images that may wait.</summary>
    public int Capacity => _capacity;

    /// <summary>Queues the images of one request, all or none; one task per image, in order.</summary>
    /// <exception cref="QueueFullException">They do not all fit, or the queue is draining.</exception>
    public Task<ScoredImage>[] Submit(IReadOnlyList<float[]> images)
    {
        for (int i = 0; i < images.Count; i++)
            if (images[i].Length != _tensorLength)
                throw new ArgumentException($"image {i} has {images[i].Length} values; the model takes {_tensorLength}.", nameof(images));
        var jobs = new Job[images.Count];
        lock (_admission)
        {
            if (_closed) throw new QueueFullException("the server is shutting down: send the request to another instance or retry later.");
            int queued = Length;
            if (queued + images.Count > _capacity)
                throw new QueueFullException($"the scoring queue is full ({queued} of {_capacity} images waiting): retry after the Retry-After interval.");
            Interlocked.Add(ref _queued, images.Count);
            long now = Stopwatch.GetTimestamp();
            for (int i = 0; i < jobs.Length; i++)
            {
                jobs[i] = new Job(images[i], new TaskCompletionSource<ScoredImage>(TaskCreationOptions.RunContinuationsAsynchronously), now);
                _channel.Writer.TryWrite(jobs[i]);
            }
        }
        return jobs.Select(j => j.Result.Task).ToArray();
    }

    /// <summary>Refuses new images, then waits until every queued image is scored.</summary>
    public Task DrainAsync()
    {
        lock (_admission)
        {
            _closed = true;
            _channel.Writer.TryComplete();
        }
        return _loop;
    }

    private async Task LoopAsync()
    {
        var reader = _channel.Reader;
        var batch = new List<Job>(_maxBatch);
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            if (!reader.TryRead(out var first)) continue;
            batch.Add(first);
            long deadline = Stopwatch.GetTimestamp() + (long)(_maxWait.TotalSeconds * Stopwatch.Frequency);
            while (batch.Count < _maxBatch)
            {
                if (reader.TryRead(out var next))
                {
                    batch.Add(next);
                    continue;
                }
                var remaining = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
                if (remaining <= TimeSpan.Zero || reader.Completion.IsCompleted) break;
                using var timeout = new CancellationTokenSource(remaining);
                try
                {
                    if (!await reader.WaitToReadAsync(timeout.Token).ConfigureAwait(false)) break;
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
            Interlocked.Add(ref _queued, -batch.Count);
            Run(batch);
            batch.Clear();
        }
    }

    private void Run(List<Job> batch)
    {
        int n = batch.Count;
        long start = Stopwatch.GetTimestamp();
        try
        {
            var pixels = new float[n * _tensorLength];
            for (int i = 0; i < n; i++) batch[i].Pixels.CopyTo(pixels, i * _tensorLength);
            var predictions = _score(pixels, n);
            var inference = Stopwatch.GetElapsedTime(start);
            _metrics.RecordBatch(n, inference);
            for (int i = 0; i < n; i++)
                batch[i].Result.SetResult(new ScoredImage(predictions[i], Stopwatch.GetElapsedTime(batch[i].EnqueuedAt, start), inference, n));
        }
        catch (Exception e)
        {
            foreach (var job in batch) job.Result.TrySetException(e);
        }
    }
}
