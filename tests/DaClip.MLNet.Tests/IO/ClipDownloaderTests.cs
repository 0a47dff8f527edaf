using System.Security.Cryptography;
using DaClip.MLNet.IO;
using DaClip.MLNet.Tests.Infrastructure;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.IO;

[TestClass]
public class ClipDownloaderTests
{
    private const int Size = 300_000;
    private const int CutAt = 120_000;

    /// <summary>Seeded content and the file record whose SHA-256 is that content's.</summary>
    private static (byte[] Content, DownloadableFile File) TestFile()
    {
        var content = new byte[Size];
        new Random(1234).NextBytes(content);
        var sha = Convert.ToHexStringLower(SHA256.HashData(content));
        return (content, new DownloadableFile("test-model", "test-model.pt", sha, new Uri("http://publisher.invalid/test-model.pt")));
    }

    private readonly List<string> _scratch = [];

    /// <summary>A fresh cache folder path (not created), removed after the test.</summary>
    private string NewCacheDir()
    {
        var scratch = Path.Combine(Path.GetTempPath(), "daclip-tests", Guid.NewGuid().ToString("N"));
        _scratch.Add(scratch);
        return Path.Combine(scratch, "cache");
    }

    [TestCleanup]
    public void RemoveScratch()
    {
        foreach (var dir in _scratch.Where(Directory.Exists)) Directory.Delete(dir, recursive: true);
    }

    private static ClipDownloader Downloader(string cache, Uri baseUrl, int attempts = 3) =>
        new(new ClipDownloaderOptions { CacheDirectory = cache, BaseUrl = baseUrl, MaxAttempts = attempts, StallTimeout = TimeSpan.FromSeconds(10) });

    /// <summary>Serves the file at the mirror path &lt;sha256&gt;/&lt;file name&gt;, 404 elsewhere.</summary>
    private static Func<ServedRequest, ServedResponse> Mirror(DownloadableFile file, Func<ServedRequest, ServedResponse> serve) =>
        request => request.Path == $"/{file.Sha256}/{file.FileName}" ? serve(request) : new ServedResponse(404, []);

    private sealed class RecordingProgress : IProgress<(long done, long? total)>
    {
        public List<(long Done, long? Total)> Reports { get; } = [];
        public void Report((long done, long? total) value) => Reports.Add(value);
    }

    [TestMethod]
    public async Task DownloadsVerifiesAndReportsProgress()
    {
        var (content, file) = TestFile();
        using var server = new LoopbackHttpServer(Mirror(file, r => ServedResponse.File(content, r.Range)));
        var cache = NewCacheDir();
        using var downloader = Downloader(cache, server.BaseUrl);
        var progress = new RecordingProgress();

        var path = await downloader.DownloadAsync(file, progress);

        Assert.AreEqual(Path.Combine(cache, "test-model.pt"), path);
        CollectionAssert.AreEqual(content, File.ReadAllBytes(path));
        CollectionAssert.AreEqual(new[] { "test-model.pt" }, Directory.GetFiles(cache).Select(Path.GetFileName).ToArray());
        var request = server.Requests.Single();
        Assert.AreEqual("GET", request.Method);
        Assert.IsNull(request.Range);
        Assert.AreEqual((0L, (long?)Size), progress.Reports[0]);
        Assert.AreEqual((Size, (long?)Size), progress.Reports[^1]);
        for (int i = 1; i < progress.Reports.Count; i++) Assert.IsTrue(progress.Reports[i].Done >= progress.Reports[i - 1].Done, "progress goes forward");
        Assert.IsTrue(downloader.IsCached(file));
    }

    [TestMethod]
    public async Task CorruptedTransferIsDeletedAndReported()
    {
        var (content, file) = TestFile();
        var damaged = (byte[])content.Clone();
        damaged[Size / 2] ^= 0x40;
        using var server = new LoopbackHttpServer(Mirror(file, r => ServedResponse.File(damaged, r.Range)));
        var cache = NewCacheDir();
        using var downloader = Downloader(cache, server.BaseUrl);

        var ex = await Assert.ThrowsExactlyAsync<DownloadException>(() => downloader.DownloadAsync(file));

        Assert.AreEqual(DownloadFailure.HashMismatch, ex.Failure);
        StringAssert.Contains(ex.Message, file.Sha256);
        StringAssert.Contains(ex.Message, Convert.ToHexStringLower(SHA256.HashData(damaged)));
        StringAssert.Contains(ex.Message, "deleted");
        Assert.AreEqual(0, Directory.GetFiles(cache).Length, "neither the file nor its partial download stays in the cache");
    }

    [TestMethod]
    public async Task InterruptedTransferResumesWithRangeOnTheNextCall()
    {
        var (content, file) = TestFile();
        using var server = new LoopbackHttpServer(Mirror(file, r => ServedResponse.File(content, r.Range, closeAfter: r.Range is null ? CutAt : null)));
        var cache = NewCacheDir();
        using var downloader = Downloader(cache, server.BaseUrl, attempts: 1);
        var partial = Path.Combine(cache, "test-model.pt.partial");

        var ex = await Assert.ThrowsExactlyAsync<DownloadException>(() => downloader.DownloadAsync(file));
        Assert.AreEqual(DownloadFailure.Interrupted, ex.Failure);
        StringAssert.Contains(ex.Message, partial);
        StringAssert.Contains(ex.Message, $"{CutAt:N0} bytes of {Size:N0} bytes");
        Assert.AreEqual(CutAt, new FileInfo(partial).Length);
        Assert.IsFalse(downloader.IsCached(file));

        var progress = new RecordingProgress();
        var path = await downloader.DownloadAsync(file, progress);

        CollectionAssert.AreEqual(content, File.ReadAllBytes(path));
        Assert.IsFalse(File.Exists(partial));
        var requests = server.Requests.ToArray();
        Assert.AreEqual(2, requests.Length);
        Assert.IsNull(requests[0].Range);
        Assert.AreEqual($"bytes={CutAt}-", requests[1].Range);
        Assert.AreEqual((CutAt, (long?)Size), progress.Reports[0]);
    }

    [TestMethod]
    public async Task InterruptedTransferResumesWithinOneCall()
    {
        var (content, file) = TestFile();
        using var server = new LoopbackHttpServer(Mirror(file, r => ServedResponse.File(content, r.Range, closeAfter: r.Range is null ? CutAt : null)));
        using var downloader = Downloader(NewCacheDir(), server.BaseUrl, attempts: 2);

        var path = await downloader.DownloadAsync(file);

        CollectionAssert.AreEqual(content, File.ReadAllBytes(path));
        CollectionAssert.AreEqual(new[] { null, $"bytes={CutAt}-" }, server.Requests.Select(r => r.Range).ToArray());
    }

    [TestMethod]
    public async Task ServerWithoutRangeSupportRestartsFromZero()
    {
        var (content, file) = TestFile();
        int calls = 0;
        using var server = new LoopbackHttpServer(Mirror(file, r =>
            ServedResponse.File(content, r.Range, closeAfter: Interlocked.Increment(ref calls) == 1 ? CutAt : null, ignoreRange: true)));
        using var downloader = Downloader(NewCacheDir(), server.BaseUrl, attempts: 2);

        var path = await downloader.DownloadAsync(file);

        CollectionAssert.AreEqual(content, File.ReadAllBytes(path));
        Assert.AreEqual($"bytes={CutAt}-", server.Requests.ElementAt(1).Range, "the resume was asked for, answered with the whole file");
    }

    [TestMethod]
    public async Task CachedFileNeedsNoRequest()
    {
        var (content, file) = TestFile();
        using var server = new LoopbackHttpServer(Mirror(file, r => ServedResponse.File(content, r.Range)));
        var cache = NewCacheDir();
        Directory.CreateDirectory(cache);
        File.WriteAllBytes(Path.Combine(cache, file.FileName), content);
        using var downloader = Downloader(cache, server.BaseUrl);
        var progress = new RecordingProgress();

        var path = await downloader.DownloadAsync(file, progress);

        Assert.AreEqual(Path.Combine(cache, file.FileName), path);
        Assert.IsEmpty(server.Requests);
        Assert.AreEqual((Size, (long?)Size), progress.Reports.Single());
    }

    [TestMethod]
    public async Task UnreachableHostSaysHowToFetchByHand()
    {
        var (_, file) = TestFile();
        var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        int port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var cache = NewCacheDir();
        using var downloader = Downloader(cache, new Uri($"http://127.0.0.1:{port}/"));

        var ex = await Assert.ThrowsExactlyAsync<DownloadException>(() => downloader.DownloadAsync(file));

        Assert.AreEqual(DownloadFailure.Unreachable, ex.Failure);
        Assert.IsInstanceOfType<HttpRequestException>(ex.InnerException);
        StringAssert.Contains(ex.Message, "Could not reach 127.0.0.1");
        StringAssert.Contains(ex.Message, file.DefaultUrl.ToString());
        StringAssert.Contains(ex.Message, file.Sha256);
        StringAssert.Contains(ex.Message, Path.Combine(cache, file.FileName));
        Assert.AreEqual(Path.Combine(cache, file.FileName), ex.TargetPath);
        Assert.AreEqual(0, Directory.GetFiles(cache).Length, "no empty partial file is left behind");
    }

    [TestMethod]
    public async Task HttpErrorNamesTheMirrorLayout()
    {
        var (_, file) = TestFile();
        using var server = new LoopbackHttpServer(_ => new ServedResponse(404, []));
        using var downloader = Downloader(NewCacheDir(), server.BaseUrl);

        var ex = await Assert.ThrowsExactlyAsync<DownloadException>(() => downloader.DownloadAsync(file));

        Assert.AreEqual(DownloadFailure.HttpError, ex.Failure);
        StringAssert.Contains(ex.Message, "HTTP 404");
        StringAssert.Contains(ex.Message, $"<base>/{file.Sha256}/{file.FileName}");
    }

    [TestMethod]
    public async Task RealVocabularyMatchesItsPublishedHash()
    {
        var vocab = Fixtures.Glob("clip", "bpe_simple_vocab_16e6.txt.gz").Single();
        var bytes = File.ReadAllBytes(vocab);
        var file = ClipCheckpoints.BpeVocab;
        using var server = new LoopbackHttpServer(Mirror(file, r => ServedResponse.File(bytes, r.Range)));
        using var downloader = Downloader(NewCacheDir(), server.BaseUrl);

        var path = await downloader.DownloadAsync(file);

        Assert.AreEqual("bpe_simple_vocab_16e6.txt.gz", Path.GetFileName(path));
        CollectionAssert.AreEqual(bytes, File.ReadAllBytes(path));
    }
}
