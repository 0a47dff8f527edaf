using System.IO.Compression;
using System.Text;
using DaClip.MLNet.Tests.Infrastructure;
using DaClip.MLNet.Training.Clip;
using DaClip.MLNet.Training.Clip.Text;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Clip.Text;

[TestClass]
public class ClipTokenizerTests
{
    private static ClipTokenizer? _tokenizer;

    private static ClipTokenizer Tokenizer => _tokenizer ??= ClipTokenizer.FromBpeGzip(
        Path.Combine(Fixtures.Require(), "clip", "bpe_simple_vocab_16e6.txt.gz"));

    [TestMethod]
    public void SpecialIdsAndVocabularySize()
    {
        Assert.AreEqual(49406, Tokenizer.SotId);
        Assert.AreEqual(49407, Tokenizer.EotId);
        Assert.AreEqual(49408, Tokenizer.VocabSize);
        // "cat" is one token; "a photo of a object with flaw." as in the DA-CLIP fixture (METHOD §9 layout).
        CollectionAssert.AreEqual(new[] { 320, 1125, 539, 320, 14115, 593, 34978, 269 }, Tokenizer.EncodeBpe("a photo of a object with flaw."));
    }

    [TestMethod]
    public void SeventyFiveAndSeventySixTokensGiveTheSameTruncatedIds()
    {
        int cat = Tokenizer.EncodeBpe("cat").Single();
        string Cats(int n) => string.Concat(Enumerable.Repeat("cat ", n));

        var ids74 = Tokenizer.Tokenize(Cats(74));
        Assert.AreEqual(49406L, ids74[0]);
        Assert.IsTrue(ids74[1..75].All(id => id == cat));
        Assert.AreEqual(49407L, ids74[75]);
        Assert.AreEqual(0L, ids74[76]);

        var ids75 = Tokenizer.Tokenize(Cats(75));
        Assert.IsTrue(ids75[1..76].All(id => id == cat));
        Assert.AreEqual(49407L, ids75[76]);

        CollectionAssert.AreEqual(ids75, Tokenizer.Tokenize(Cats(76)));
        CollectionAssert.AreEqual(ids75, Tokenizer.Tokenize(Cats(200)));
    }

    [TestMethod]
    public void WithoutTruncationTooLongTextThrows()
    {
        string Cats(int n) => string.Concat(Enumerable.Repeat("cat ", n));
        Assert.HasCount(77, Tokenizer.Tokenize(Cats(75), truncate: false));
        var e = Assert.ThrowsExactly<DaClipException>(() => Tokenizer.Tokenize(Cats(76), truncate: false));
        Assert.Contains("78 token positions", e.Message);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Tokenizer.Tokenize("cat", contextLength: 1));
    }

    [TestMethod]
    public void OtherContextLengthsFrameTheSameWay()
    {
        CollectionAssert.AreEqual(new long[] { 49406, 320, 1125, 539, 49407, 0 }, Tokenizer.Tokenize("a photo of", contextLength: 6));
        CollectionAssert.AreEqual(new long[] { 49406, 320, 1125, 49407 }, Tokenizer.Tokenize("a photo of", contextLength: 4));
    }

    [TestMethod]
    public void MissingVocabularyFileSaysWhereToGetIt()
    {
        var path = Path.Combine(Path.GetTempPath(), $"daclip-missing-{Guid.NewGuid():N}", "bpe_simple_vocab_16e6.txt.gz");
        var e = Assert.ThrowsExactly<DaClipFileFormatException>(() => ClipTokenizer.FromBpeGzip(path));
        Assert.AreEqual(path, e.FilePath);
        Assert.Contains("https://github.com/openai/CLIP/raw/main/clip/bpe_simple_vocab_16e6.txt.gz", e.Message);
        Assert.Contains("924691ac288e54409236115652ad4aa250f48203de50a9e4722a6ecd48d6804a", e.Message);
    }

    [TestMethod]
    public void MalformedFilesAreReportedByName()
    {
        var dir = Directory.CreateTempSubdirectory("daclip-bad-vocab-");
        try
        {
            var notGzip = Path.Combine(dir.FullName, "plain.txt.gz");
            File.WriteAllText(notGzip, "#version: 0.2\ni n\n");
            var e1 = Assert.ThrowsExactly<DaClipFileFormatException>(() => ClipTokenizer.FromBpeGzip(notGzip));
            Assert.AreEqual(notGzip, e1.FilePath);

            var truncated = Path.Combine(dir.FullName, "truncated.txt.gz");
            using (var gz = new GZipStream(File.Create(truncated), CompressionLevel.Fastest))
                gz.Write(Encoding.UTF8.GetBytes("\"bpe_simple_vocab_16e6.txt#version: 0.2\ni n\nt h\n"));
            var e2 = Assert.ThrowsExactly<DaClipFileFormatException>(() => ClipTokenizer.FromBpeGzip(truncated));
            Assert.Contains("holds 2 merges", e2.Message);

            var vocab = Path.Combine(dir.FullName, "vocab.json");
            var merges = Path.Combine(dir.FullName, "merges.txt");
            File.WriteAllText(vocab, "{\"a\": 0}");
            File.WriteAllText(merges, "#version: 0.2\na b\n");
            var e3 = Assert.ThrowsExactly<DaClipFileFormatException>(() => ClipTokenizer.FromHuggingFace(vocab, merges));
            Assert.AreEqual(vocab, e3.FilePath);
            Assert.Contains("<|startoftext|>", e3.Message);

            var e4 = Assert.ThrowsExactly<DaClipFileFormatException>(() => ClipTokenizer.FromHuggingFace(vocab, Path.Combine(dir.FullName, "none.txt")));
            Assert.Contains("merges.txt file does not exist", e4.Message);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
