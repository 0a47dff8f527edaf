using DaClip.MLNet.Training.Clip;
using DaClip.MLNet.Training.Clip.Text;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Clip.Text;

[TestClass]
public class TinyWordTokenizerTests
{
    private static readonly TinyWordTokenizer Tokenizer = TinyWordTokenizer.Instance;

    [TestMethod]
    public void VocabularyIsSmallWithEndOfTextLargest()
    {
        Assert.AreEqual(40, Tokenizer.SotId);
        Assert.AreEqual(41, Tokenizer.EotId);
        Assert.AreEqual(42, Tokenizer.VocabSize);
        Assert.IsLessThan(64, Tokenizer.VocabSize);
        Assert.AreEqual(Tokenizer.VocabSize - 1, Tokenizer.EotId);
    }

    [TestMethod]
    [DataRow("object", new[] { 9 })]
    [DataRow("a object", new[] { 4, 9 })]
    [DataRow("the object", new[] { 6, 9 })]
    [DataRow("damaged object", new[] { 11, 9 })]
    [DataRow("broken object", new[] { 12, 9 })]
    [DataRow("object with flaw", new[] { 9, 10, 13 })]
    [DataRow("object with defect", new[] { 9, 10, 14 })]
    [DataRow("object with damage", new[] { 9, 10, 15 })]
    [DataRow("a photo of a damaged object.", new[] { 4, 7, 8, 4, 11, 9, 2 })]
    [DataRow("A Photo of the OBJECT with Flaw.", new[] { 4, 7, 8, 6, 9, 10, 13, 2 })]
    [DataRow("a photo of a zebra!", new[] { 4, 7, 8, 4, 1, 1 })]
    [DataRow("  scratch,\tcrack  ", new[] { 24, 3, 25 })]
    public void EncodesPromptWords(string text, int[] expected)
    {
        CollectionAssert.AreEqual(expected, Tokenizer.EncodeBpe(text));
    }

    [TestMethod]
    public void TokenizeFramesAndPads()
    {
        var ids = Tokenizer.Tokenize("a photo of a object with defect.");
        Assert.HasCount(77, ids);
        CollectionAssert.AreEqual(new long[] { 40, 4, 7, 8, 4, 9, 10, 14, 2, 41 }, ids[..10]);
        Assert.IsTrue(ids[10..].All(id => id == TinyWordTokenizer.PadId));
    }

    [TestMethod]
    public void TokenizeTruncatesLikeClip()
    {
        var ids = Tokenizer.Tokenize(string.Join(' ', Enumerable.Repeat("object", 10)), contextLength: 6);
        CollectionAssert.AreEqual(new long[] { 40, 9, 9, 9, 9, 41 }, ids);
        Assert.ThrowsExactly<DaClipException>(() => Tokenizer.Tokenize(string.Join(' ', Enumerable.Repeat("object", 10)), 6, truncate: false));
    }
}
