using System.Text.Json;
using DaClip.MLNet.IO;
using DaClip.MLNet.Tests.Infrastructure;
using DaClip.MLNet.Tests.IO;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Cli;

/// <summary><c>daclip download</c> end to end against a loopback mirror (127.0.0.1) in OpenAI's URL layout.</summary>
[TestClass]
public sealed class DownloadCommandTests
{
    private static Func<ServedRequest, ServedResponse> Serve(DownloadableFile file, byte[] body) => r =>
        r.Path.EndsWith($"/{file.Sha256}/{file.FileName}", StringComparison.Ordinal)
            ? ServedResponse.File(body, r.Range)
            : new ServedResponse(404, []);

    [TestMethod]
    public void Vocabulary_downloads_verifies_and_lands_in_the_cache()
    {
        var bytes = File.ReadAllBytes(Fixtures.Glob("clip", "bpe_simple_vocab_16e6.txt.gz").Single());
        using var server = new LoopbackHttpServer(Serve(ClipCheckpoints.BpeVocab, bytes));
        using var tmp = new TempDir("dl");
        var (exit, output, error) = CliRunner.Run("download", "--vocab-only", "--cache", tmp.Path, "--base-url", server.BaseUrl.ToString(), "--json");
        Assert.AreEqual(0, exit, error);
        var cached = Path.Combine(tmp.Path, ClipCheckpoints.BpeVocab.FileName);
        CollectionAssert.AreEqual(bytes, File.ReadAllBytes(cached));
        StringAssert.Contains(output, ClipCheckpoints.BpeVocab.FileName);
        Assert.AreEqual(1, server.Requests.Count);

        // Already cached: no request at all.
        var (again, _, againError) = CliRunner.Run("download", "--vocab-only", "--cache", tmp.Path, "--base-url", server.BaseUrl.ToString(), "--json");
        Assert.AreEqual(0, again, againError);
        Assert.AreEqual(1, server.Requests.Count);
    }

    [TestMethod]
    public void A_corrupted_transfer_fails_and_leaves_nothing_in_the_cache()
    {
        var bytes = File.ReadAllBytes(Fixtures.Glob("clip", "bpe_simple_vocab_16e6.txt.gz").Single());
        var corrupted = bytes.ToArray();
        corrupted[corrupted.Length / 2] ^= 0xFF;
        using var server = new LoopbackHttpServer(Serve(ClipCheckpoints.BpeVocab, corrupted));
        using var tmp = new TempDir("dl");
        var (exit, _, error) = CliRunner.Run("download", "--vocab-only", "--cache", tmp.Path, "--base-url", server.BaseUrl.ToString());
        Assert.AreNotEqual(0, exit);
        StringAssert.Contains(error, "SHA-256");
        Assert.IsFalse(File.Exists(Path.Combine(tmp.Path, ClipCheckpoints.BpeVocab.FileName)));
        Assert.AreEqual(0, Directory.Exists(tmp.Path) ? Directory.GetFiles(tmp.Path, "*", SearchOption.AllDirectories).Length : 0, "no partial or temp file left");
    }

    [TestMethod]
    public void An_unknown_model_name_is_a_usage_error()
    {
        var (exit, _, error) = CliRunner.Run("download", "ViT-H-99");
        Assert.AreEqual(2, exit);
        StringAssert.Contains(error, "ViT-L-14-336");
    }
}
