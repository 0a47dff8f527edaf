using DaClip.MLNet.Training.Clip;
using DaClip.MLNet.Training.Clip.Text;
using DaClip.MLNet.Training.Synthetic;
using DaClip.MLNet.Training.Synthetic.Corpus;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Clip.Text;

[TestClass]
public class WordTokenizerTests
{
    [TestMethod]
    public void CorpusVocabularyCoversCaptionsAndPrompts()
    {
        var t = WordTokenizer.ForCorpus();
        Assert.AreEqual(ClipConfig.Mini.VocabSize, t.VocabSize);
        Assert.AreEqual(t.VocabSize - 1, t.EotId);
        Assert.AreEqual(t.VocabSize - 2, t.SotId);
        foreach (var prompt in new DaClipModelOptions().Prompts())
            Assert.DoesNotContain(WordTokenizer.UnknownId, t.EncodeBpe(prompt), prompt);
        var corpus = new CaptionCorpus(3, 32);
        foreach (var i in Enumerable.Range(0, 40))
        {
            var img = corpus.Render(CorpusPartition.Pretrain, i);
            foreach (var v in Enumerable.Range(0, 4))
                Assert.DoesNotContain(WordTokenizer.UnknownId, t.EncodeBpe(CaptionCorpus.Recaption(img, v)), CaptionCorpus.Recaption(img, v));
        }
        Assert.AreEqual(WordTokenizer.UnknownId, t.EncodeBpe("teapot")[0]);
    }

    [TestMethod]
    public void TokenizesLikeClipAndRoundTrips()
    {
        var t = WordTokenizer.Build(["a photo of a damaged object.", "A Scratched plate"]);
        CollectionAssert.AreEqual(new[] { "<pad>", "<unk>", ".", "a", "damaged", "object", "of", "photo", "plate", "scratched" }, t.Words.ToArray());
        var ids = t.Tokenize("a damaged plate.", 8);
        CollectionAssert.AreEqual(new long[] { t.SotId, 3, 4, 8, 2, t.EotId, 0, 0 }, ids);
        var back = WordTokenizer.Deserialize(t.Serialize());
        CollectionAssert.AreEqual(t.Words.ToArray(), back.Words.ToArray());
        Assert.ThrowsExactly<DaClipException>(() => WordTokenizer.Deserialize("a\nb\nc"));
        Assert.ThrowsExactly<DaClipException>(() => WordTokenizer.Deserialize("<pad>\n<unk>\na\na"));
    }
}
