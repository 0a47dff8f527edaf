using DaClip.MLNet.Imaging;
using DaClip.MLNet.Scoring;
using DaClip.MLNet.Tests.MLNet;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Reliability;

/// <summary>
/// Issue 9, case 4: disposing <see cref="DaClipOnnxScorer"/> or <see cref="DaClipTransformer"/> while other threads score
/// crashed the process (the ONNX Runtime session was released under a running call). Now disposal refuses new calls with
/// <see cref="ObjectDisposedException"/> and waits for the running ones. Threads score in bounded loops; the main thread
/// disposes once every thread has finished at least two calls (a count, not a clock). Every call that returns must give
/// the model's numbers; every call that fails must fail with <see cref="ObjectDisposedException"/>.
/// </summary>
[TestClass]
public class Case4DisposeWhileScoringTests
{
    private const int Threads = 4, MaxCalls = 400, Rounds = 3;
    private static ScoringFixture _f = null!;
    private static double[] _expected = null!;

    [ClassInitialize]
    public static void Setup(TestContext _)
    {
        _f = new ScoringFixture("reliability-dispose", 4, seed: 3);
        var pre = new ImagePreprocessor(ContractModel.Size);
        _expected = _f.Images.Select(i => ContractModel.Expected(pre.Process(i.Path)).Score).ToArray();
    }

    [ClassCleanup]
    public static void Cleanup() => _f.Dispose();

    [TestMethod]
    public void Scorer_DisposedWhileThreadsScore_WaitsForThemAndRefusesLaterCalls()
    {
        for (int round = 0; round < Rounds; round++)
        {
            var scorer = new DaClipOnnxScorer(_f.Model, new DaClipScorerOptions { Provider = ExecutionProvider.Cpu, IntraOpThreads = 1 });
            var paths = _f.Images.Select(i => i.Path).ToArray();
            var outcome = Hammer(scorer.Dispose, t =>
            {
                var p = scorer.Score(paths, batchSize: 1 + t % 2);
                for (int i = 0; i < p.Count; i++) Assert.AreEqual(_expected[i], p[i].Score, 1e-5, $"image {i}");
            });
            Assert.IsTrue(outcome.Refused > 0 || outcome.Completed == Threads, "threads either ran out of calls or were refused");
            Assert.ThrowsExactly<ObjectDisposedException>(() => scorer.Score(paths[0]));
        }
    }

    [TestMethod]
    public void Transformer_DisposedWhileBatchesEnginesAndCursorsScore_WaitsForThemAndRefusesLaterCalls()
    {
        for (int round = 0; round < Rounds; round++)
        {
            var ml = new MLContext(seed: 1);
            var data = _f.Rows(ml);
            var model = ml.Transforms.ApplyDaClipModel(_f.ModelPath).Fit(data);
            var outcome = Hammer(model.Dispose, t =>
            {
                switch (t % 3)
                {
                    case 0:
                        var batch = model.ScoreBatch(data, batchSize: 2);
                        for (int i = 0; i < batch.Count; i++) Assert.AreEqual(_expected[i], batch[i].Score, 1e-5, $"batch image {i}");
                        break;
                    case 1:
                        var engine = ml.Model.CreatePredictionEngine<ImageRow, DaClipOutputRow>(model);
                        var one = engine.Predict(new ImageRow { Image = _f.Images[t % _f.Images.Count].Path });
                        Assert.AreEqual(_expected[t % _f.Images.Count], one.Score, 1e-5);
                        break;
                    default:
                        var scores = model.Transform(data).GetColumn<float>("Score").ToArray();
                        for (int i = 0; i < scores.Length; i++) Assert.AreEqual(_expected[i], scores[i], 1e-5, $"cursor image {i}");
                        break;
                }
            });
            Assert.IsTrue(outcome.Refused > 0 || outcome.Completed == Threads, "threads either ran out of calls or were refused");
            Assert.ThrowsExactly<ObjectDisposedException>(() => model.ScoreBatch(data));
            Assert.ThrowsExactly<ObjectDisposedException>(() => model.Transform(data));
        }
    }

    /// <summary>
    /// The cause of the intermittent NullReferenceException inside ONNX Runtime in the test above: ML.NET's
    /// <c>GetRowCursor</c> split the rows over worker threads that ran the ONNX model ahead of the reader, outside the
    /// cursor's guarded calls, so a dispose between two reads released the session under a worker's run. A cursor of
    /// <see cref="DaClipTransformer.Transform"/> now pulls every row on the reading thread.
    /// </summary>
    [TestMethod]
    public void Transformer_CursorOfTransform_PullsRowsOnTheReadingThreadOnly()
    {
        var ml = new MLContext(seed: 1);
        var input = new ThreadRecordingDataView(_f.Rows(ml));
        using var model = ml.Transforms.ApplyDaClipModel(_f.ModelPath).Fit(_f.Rows(ml));
        var scores = model.Transform(input).GetColumn<float>("Score").ToArray();
        Assert.HasCount(_expected.Length, scores);
        for (int i = 0; i < scores.Length; i++) Assert.AreEqual(_expected[i], scores[i], 1e-5, $"cursor image {i}");
        int reader = Environment.CurrentManagedThreadId;
        Assert.AreEqual($"{reader}", string.Join(",", input.Threads.Keys.Order()), "threads that pulled input rows (the reading thread is the only one allowed)");
    }

    /// <summary>
    /// Runs <paramref name="call"/> on <see cref="Threads"/> threads, at most <see cref="MaxCalls"/> times each, and
    /// <paramref name="dispose"/> on this thread once every thread has made two calls. A thread stops at its first
    /// <see cref="ObjectDisposedException"/> (counted as refused); any other exception fails the test.
    /// </summary>
    private static (int Refused, int Completed) Hammer(Action dispose, Action<int> call)
    {
        using var warmedUp = new CountdownEvent(Threads);
        var failures = new Exception?[Threads];
        var refused = new bool[Threads];
        var threads = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            bool signalled = false;
            try
            {
                for (int n = 0; n < MaxCalls; n++)
                {
                    call(t);
                    if (n == 1)
                    {
                        warmedUp.Signal();
                        signalled = true;
                    }
                }
            }
            catch (Exception e) when (IsDisposed(e))
            {
                refused[t] = true;
            }
            catch (Exception e)
            {
                failures[t] = e;
            }
            finally
            {
                if (!signalled) warmedUp.Signal();
            }
        })).ToArray();
        foreach (var thread in threads) thread.Start();
        warmedUp.Wait();
        dispose();
        dispose();
        foreach (var thread in threads) thread.Join();
        foreach (var failure in failures)
            if (failure is not null) throw new AssertFailedException($"a scoring thread failed with {failure.GetType().Name}: {failure}", failure);
        return (refused.Count(r => r), refused.Count(r => !r));
    }

    private static bool IsDisposed(Exception e)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
            if (inner is ObjectDisposedException) return true;
        return false;
    }
}
