using System.IO.Compression;
using System.Text;
using System.Text.Json;
using DaClip.MLNet.Tests.Infrastructure;
using DaClip.MLNet.Training.Clip;
using DaClip.MLNet.Training.Clip.Text;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Clip.Text;

/// <summary>
/// Exactness against the official <c>clip.tokenize(text, truncate=True)</c>: every line of every
/// <c>clip/tokenizer_*.jsonl</c> fixture, through the <c>.gz</c> merges file and through a Hugging Face
/// <c>vocab.json</c> + <c>merges.txt</c> pair written from it.
/// </summary>
[TestClass]
public class ClipTokenizerFixtureTests
{
    private const string VocabRelativePath = "clip/bpe_simple_vocab_16e6.txt.gz";

    [TestMethod]
    public void BpeGzipTokenizerMatchesEveryFixtureLine()
    {
        var tokenizer = ClipTokenizer.FromBpeGzip(VocabPath());
        AssertMatchesFixtures(tokenizer);
    }

    [TestMethod]
    public void HuggingFaceTokenizerMatchesEveryFixtureLine()
    {
        var dir = Directory.CreateTempSubdirectory("daclip-hf-tokenizer-");
        try
        {
            var (vocabJson, mergesTxt) = WriteHuggingFaceFiles(VocabPath(), dir.FullName);
            var tokenizer = ClipTokenizer.FromHuggingFace(vocabJson, mergesTxt);
            Assert.AreEqual(49406, tokenizer.SotId);
            Assert.AreEqual(49407, tokenizer.EotId);
            Assert.AreEqual(49408, tokenizer.VocabSize);
            AssertMatchesFixtures(tokenizer);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static string VocabPath()
    {
        var path = Path.Combine(Fixtures.Require(), VocabRelativePath);
        if (!File.Exists(path)) Assert.Fail($"{path} is missing: the fixture folder is incomplete.");
        return path;
    }

    private static void AssertMatchesFixtures(ClipTokenizer tokenizer)
    {
        int lines = 0;
        var mismatches = new List<string>();
        foreach (var file in Fixtures.Glob("clip", "tokenizer_*.jsonl"))
        {
            int lineNumber = 0;
            foreach (var line in File.ReadLines(file, Encoding.UTF8))
            {
                lineNumber++;
                if (line.Length == 0) continue;
                lines++;
                using var doc = JsonDocument.Parse(line);
                var text = doc.RootElement.GetProperty("text").GetString()!;
                var expected = doc.RootElement.GetProperty("ids").EnumerateArray().Select(e => e.GetInt64()).ToArray();
                var actual = tokenizer.Tokenize(text, expected.Length);
                if (!actual.SequenceEqual(expected))
                {
                    mismatches.Add($"{Path.GetFileName(file)}:{lineNumber} {JsonSerializer.Serialize(text)}\n" +
                        $"  expected {string.Join(' ', expected.TakeWhile(id => id != 0))}\n" +
                        $"  actual   {string.Join(' ', actual.TakeWhile(id => id != 0))}");
                }
            }
        }
        Assert.IsGreaterThan(0, lines, "The tokenizer fixtures hold no lines.");
        Assert.IsEmpty(mismatches,
            $"{mismatches.Count} of {lines} fixture lines differ; the first ones:\n{string.Join('\n', mismatches.Take(5))}");
    }

    /// <summary>
    /// Writes the Hugging Face form of the same BPE: merges.txt = a "#version" header plus the first 48894 merges;
    /// vocab.json = the ids CLIP's SimpleTokenizer assigns (256 byte characters, the same with "&lt;/w&gt;", the
    /// merge results, then &lt;|startoftext|&gt; and &lt;|endoftext|&gt;). The byte characters are derived here
    /// independently of the library: printable Latin-1 bytes stand for themselves, the others get U+0100 onwards.
    /// </summary>
    private static (string VocabJson, string MergesTxt) WriteHuggingFaceFiles(string gzPath, string dir)
    {
        List<string> merges;
        using (var reader = new StreamReader(new GZipStream(File.OpenRead(gzPath), CompressionMode.Decompress), Encoding.UTF8))
        {
            reader.ReadLine();
            merges = [];
            while (merges.Count < 48894 && reader.ReadLine() is { } line) merges.Add(line);
        }
        var printable = Enumerable.Range('!', '~' - '!' + 1).Concat(Enumerable.Range(0xA1, 0xAC - 0xA1 + 1)).Concat(Enumerable.Range(0xAE, 0xFF - 0xAE + 1)).ToList();
        var byteChars = printable.Select(b => ((char)b).ToString()).ToList();
        byteChars.AddRange(Enumerable.Range(0, 256).Where(b => !printable.Contains(b)).Select((_, n) => ((char)(256 + n)).ToString()));
        var tokens = byteChars.Concat(byteChars.Select(c => c + "</w>")).Concat(merges.Select(m => m.Replace(" ", ""))).Append("<|startoftext|>").Append("<|endoftext|>").ToList();

        var vocabJson = Path.Combine(dir, "vocab.json");
        var mergesTxt = Path.Combine(dir, "merges.txt");
        File.WriteAllText(vocabJson, JsonSerializer.Serialize(tokens.Select((t, i) => (t, i)).ToDictionary(p => p.t, p => p.i)), new UTF8Encoding(false));
        File.WriteAllText(mergesTxt, "#version: 0.2\n" + string.Join('\n', merges) + "\n", new UTF8Encoding(false));
        return (vocabJson, mergesTxt);
    }
}
