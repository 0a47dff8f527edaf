using DaClip.MLNet.Training.Clip;
using DaClip.MLNet.Training.Clip.Text;
using DaClip.MLNet.Training.Pretraining;
using DaClip.MLNet.Training.Synthetic;
using DaClip.MLNet.Training;
using DaClip.MLNet.Training.Synthetic.Corpus;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Clip;

/// <summary>The embedded pretrained backbone: it loads by name, carries its vocabulary and provenance, and knows its corpus.</summary>
[TestClass]
public sealed class MiniBackboneTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void Loads_by_name_with_its_vocabulary_fingerprint_and_provenance()
    {
        Assert.IsTrue(MiniBackbone.IsEmbedded, "src/DaClip.MLNet.Training/Backbones/mini.safetensors is embedded");
        using var a = ClipBackbone.Load("mini");
        using var b = ClipBackbone.Load("MINI");
        Assert.AreEqual("mini", a.Source);
        Assert.AreEqual(ClipConfig.Mini, a.Model.Config);
        Assert.AreEqual("mini", a.Model.Config.ArchitectureName);
        var words = ((WordTokenizer)a.Tokenizer).Words;
        CollectionAssert.AreEqual(WordTokenizer.ForCorpus().Words.ToArray(), words.ToArray(), "the stored vocabulary is the corpus vocabulary");

        var path = MiniBackbone.ExtractedPath();
        Assert.IsLessThanOrEqualTo(16L << 20, new FileInfo(path).Length, "at most 16 MB");
        var meta = MiniBackbone.Metadata();
        StringAssert.StartsWith(meta["daclip.provenance.command"], "daclip pretrain ");
        StringAssert.Contains(meta["daclip.provenance.settings"], "corpus_seed=2026");
        Assert.AreEqual(BackboneFingerprint.Of(a.Model), meta["daclip.fingerprint"]);
        Assert.AreEqual(BackboneFingerprint.Of(a.Model), BackboneFingerprint.Of(b.Model));
        var info = ClipCheckpoint.Inspect(path);
        Assert.AreEqual(1, info.SourceDTypes.Count);
        Assert.IsTrue(info.SourceDTypes.ContainsKey("F16"), "fp16 in OpenAI's state-dict layout");
    }

    [TestMethod]
    public void A_damaged_copy_is_refused()
    {
        var copy = Path.Combine(Path.GetTempPath(), $"daclip-mini-damaged-{Guid.NewGuid():N}.safetensors");
        try
        {
            var bytes = File.ReadAllBytes(MiniBackbone.ExtractedPath());
            bytes[^3] ^= 0x40;
            File.WriteAllBytes(copy, bytes);
            var e = Assert.ThrowsExactly<DaClipFileFormatException>(() => MiniBackbone.LoadFile(copy));
            StringAssert.Contains(e.Message, "does not match its metadata");
        }
        finally
        {
            File.Delete(copy);
        }
    }

    [TestMethod]
    public void Retrieves_held_out_captions_far_above_chance()
    {
        using var backbone = ClipBackbone.Load("mini");
        var corpus = new CaptionCorpus(seed: 2026, imageSize: ClipConfig.Mini.ImageResolution);
        var pairs = ClipPretrainer.Render(corpus, CorpusPartition.Validation, 200, null, CancellationToken.None);
        var accuracy = RetrievalAccuracy(backbone, pairs);
        TestContext.WriteLine($"mini: {accuracy}");
        Assert.IsGreaterThanOrEqualTo(10 * accuracy.Chance, accuracy.Top1, accuracy.ToString());
        Assert.IsGreaterThanOrEqualTo(0.25, accuracy.Top5, accuracy.ToString());
    }

    private static RetrievalAccuracy RetrievalAccuracy(ClipBackbone backbone, IReadOnlyList<CaptionedImage> pairs)
    {
        using var p = ClipPretrainer.Create(new ClipPretrainingOptions { Images = 2, ValidationImages = 0 });
        using (TorchSharp.torch.no_grad())
            foreach (var (name, t) in p.Model.named_parameters()) t.copy_(backbone.Model.named_parameters().Single(q => q.name == name).parameter);
        return p.Evaluate(pairs, 0);
    }
}
