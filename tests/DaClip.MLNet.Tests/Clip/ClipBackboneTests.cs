using DaClip.MLNet.Tests.Infrastructure;
using DaClip.MLNet.Tests.Network;
using DaClip.MLNet.Training.Clip;
using DaClip.MLNet.Training.Clip.Text;
using DaClip.MLNet.Training.Network;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Clip;

[TestClass]
public sealed class ClipBackboneTests
{
    [TestMethod]
    public void Tiny_backbone_is_seeded_and_its_tokenizer_fits_its_vocabulary()
    {
        using var a = ClipBackbone.Load("tiny");
        using var b = ClipBackbone.Load("TINY");
        Assert.IsTrue(a.IsTiny);
        Assert.AreEqual(ClipConfig.Tiny, a.Model.Config);
        Assert.AreEqual(TinyWordTokenizer.VocabularySize, TinyWordTokenizer.Words.Count + 2);
        Assert.AreEqual(a.Model.Config.VocabSize, a.Tokenizer.VocabSize);
        var pa = a.Model.named_parameters().ToDictionary(p => p.name, p => p.parameter.data<float>().ToArray());
        foreach (var (name, p) in b.Model.named_parameters()) CollectionAssert.AreEqual(pa[name], p.data<float>().ToArray(), name);
        var bank = PromptBank.Create(new DaClip.MLNet.DaClipModelOptions(), a.Tokenizer);
        Assert.AreEqual(8, bank.Count);
        Assert.IsTrue(bank.Layout.Cast<long>().All(id => id < a.Model.Config.VocabSize), "every id has an embedding row");
    }

    [TestMethod]
    public void A_checkpoint_without_a_vocabulary_is_refused_with_where_to_get_it()
    {
        var e = Assert.ThrowsExactly<DaClipException>(() => ClipBackbone.Load("/nonexistent/ViT-L-14-336px.pt"));
        StringAssert.Contains(e.Message, "bpe_simple_vocab_16e6.txt.gz");
        StringAssert.Contains(e.Message, "daclip download");
    }

    [TestMethod]
    public void Real_vocabulary_tokenizes_the_default_prompts_to_the_fixture_ids()
    {
        var root = Fixtures.Require();
        using var backbone = ClipBackbone.Load(ClipFixtureTests.Sets().Select(s => Path.Combine(Path.GetDirectoryName(s.Config)!, $"clip_{s.Name}_weights.safetensors")).First(),
            Path.Combine(root, "clip", "bpe_simple_vocab_16e6.txt.gz"));
        foreach (var f in DaClipFixture.All())
        {
            using (f)
            {
                var fromTokenizer = PromptBank.Create(f.Options, backbone.Tokenizer);
                var fromFixture = f.Prompts(f.Options);
                CollectionAssert.AreEqual(fromFixture.Layout.Cast<long>().ToArray(), fromTokenizer.Layout.Cast<long>().ToArray(), f.Name);
            }
        }
    }
}
