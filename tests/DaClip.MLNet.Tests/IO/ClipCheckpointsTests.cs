using DaClip.MLNet;
using DaClip.MLNet.IO;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.IO;

[TestClass]
public class ClipCheckpointsTests
{
    /// <summary>The URLs of docs WEIGHTS.md (OpenAI's release); the folder before the file name is the SHA-256.</summary>
    [TestMethod]
    [DataRow("ViT-B-32", "https://openaipublic.azureedge.net/clip/models/40d365715913c9da98579312b702a82c18be219cc2a73407c4526f58eba950af/ViT-B-32.pt")]
    [DataRow("ViT-B-16", "https://openaipublic.azureedge.net/clip/models/5806e77cd80f8b59890b7e101eabd078d9fb84e6937f9e85e4ecb61988df416f/ViT-B-16.pt")]
    [DataRow("ViT-L-14", "https://openaipublic.azureedge.net/clip/models/b8cca3fd41ae0c99ba7e8951adf17d267cdb84cd88be6f7c2e0eca1737a03836/ViT-L-14.pt")]
    [DataRow("ViT-L-14-336", "https://openaipublic.azureedge.net/clip/models/3035c92b350959924f9f00213499208652fc7ea050643e8b385c2dac08641f02/ViT-L-14-336px.pt")]
    public void ModelsHaveTheOpenAiUrlsAndHashes(string name, string url)
    {
        var model = ClipCheckpoints.FindModel(name);
        Assert.AreEqual(url, model.DefaultUrl.ToString());
        Assert.AreEqual(url.Split('/')[^2], model.Sha256);
        Assert.AreEqual(url.Split('/')[^1], model.FileName);
    }

    [TestMethod]
    public void VocabularyHasItsPublishedUrlAndHash()
    {
        Assert.AreEqual("https://github.com/openai/CLIP/raw/main/clip/bpe_simple_vocab_16e6.txt.gz", ClipCheckpoints.BpeVocab.DefaultUrl.ToString());
        Assert.AreEqual("924691ac288e54409236115652ad4aa250f48203de50a9e4722a6ecd48d6804a", ClipCheckpoints.BpeVocab.Sha256);
    }

    [TestMethod]
    public void FindsOpenAiSpellingsAndListsKnownNames()
    {
        Assert.AreSame(ClipCheckpoints.ViTL14At336, ClipCheckpoints.FindModel("ViT-L/14@336px"));
        Assert.AreSame(ClipCheckpoints.ViTB16, ClipCheckpoints.FindModel("vit-b/16"));
        var ex = Assert.ThrowsExactly<DaClipException>(() => ClipCheckpoints.FindModel("RN50"));
        StringAssert.Contains(ex.Message, "ViT-L-14-336, ViT-L-14, ViT-B-16, ViT-B-32");
    }

    [TestMethod]
    public void MirrorUrlsFollowTheOpenAiLayout()
    {
        var file = ClipCheckpoints.ViTB32;
        var expected = $"http://mirror.example/clip/{file.Sha256}/ViT-B-32.pt";
        Assert.AreEqual(expected, file.UrlFor(new Uri("http://mirror.example/clip")).ToString());
        Assert.AreEqual(expected, file.UrlFor(new Uri("http://mirror.example/clip/")).ToString());
        Assert.AreEqual(file.DefaultUrl, file.UrlFor(null));
    }
}
