using DaClip.MLNet.Tests.Infrastructure;
using DaClip.MLNet.Training.Clip;
using DaClip.MLNet.Training.ZeroShot;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;

namespace DaClip.MLNet.Tests.ZeroShot;

/// <summary>
/// The prompt ensemble of the training-free baseline: the composed prompts, and its text features against an
/// independent computation through CLIP's own <c>encode_text</c> path (full context, EOT found by argmax) of every
/// prompt separately: <c>t = norm(mean_i norm(f_i))</c> per state class.
/// </summary>
[TestClass]
public sealed class CompositionalPromptEnsembleTests
{
    [TestMethod]
    public void Prompts_are_every_state_in_every_template()
    {
        var e = new CompositionalPromptEnsemble();
        Assert.AreEqual(7 * 22, e.NormalPrompts().Count);
        Assert.AreEqual(4 * 22, e.AnomalyPrompts().Count);
        Assert.AreEqual("a cropped photo of the object.", e.NormalPrompts()[0]);
        Assert.AreEqual("a photo of a object without damage for anomaly detection.", e.NormalPrompts()[^1]);
        Assert.AreEqual("a cropped photo of the damaged object.", e.AnomalyPrompts()[0]);
        var bottle = new CompositionalPromptEnsemble { ObjectName = "bottle", Templates = ["a photo of a {0}."], NormalStates = ["flawless {0}"], AnomalyStates = ["{0} with flaw", "broken {0}"] };
        CollectionAssert.AreEqual(new[] { "a photo of a flawless bottle." }, bottle.NormalPrompts().ToArray());
        CollectionAssert.AreEqual(new[] { "a photo of a bottle with flaw.", "a photo of a broken bottle." }, bottle.AnomalyPrompts().ToArray());
    }

    [TestMethod]
    public void Invalid_lists_name_the_property()
    {
        var ex = Assert.ThrowsExactly<DaClipOptionException>(() => new CompositionalPromptEnsemble { Templates = ["a photo"] }.Validate());
        StringAssert.Contains(ex.Message, "CompositionalPromptEnsemble.Templates");
        ex = Assert.ThrowsExactly<DaClipOptionException>(() => new CompositionalPromptEnsemble { AnomalyStates = [] }.Validate());
        StringAssert.Contains(ex.Message, "AnomalyStates");
    }

    [TestMethod]
    public void Text_features_are_the_renormalised_mean_of_normalised_prompt_features()
    {
        using var backbone = ClipBackbone.Load(ClipBackbone.TinyName);
        var clip = backbone.Model;
        var e = new CompositionalPromptEnsemble();
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        var actual = e.TextFeatures(clip, backbone.Tokenizer);

        float[] Expected(IReadOnlyList<string> prompts)
        {
            var sum = new double[clip.Config.EmbedDim];
            foreach (var p in prompts)
            {
                var ids = torch.tensor(backbone.Tokenizer.Tokenize(p, clip.Config.ContextLength), [1, clip.Config.ContextLength]);
                var f = FixtureTensors.Values(clip.EncodeText(ids));
                double norm = Math.Sqrt(f.Sum(v => (double)v * v));
                for (int i = 0; i < f.Length; i++) sum[i] += f[i] / norm;
            }
            double n = Math.Sqrt(sum.Sum(v => v * v));
            return sum.Select(v => (float)(v / n)).ToArray();
        }

        var expectedNormal = Expected(e.NormalPrompts());
        var expectedAnomaly = Expected(e.AnomalyPrompts());
        CollectionAssert.AreEqual(new long[] { 2, clip.Config.EmbedDim }, actual.shape);
        Tolerance.AssertClose(FixtureTensors.Values(actual[0]), expectedNormal, 1e-5, 0, "t_n");
        Tolerance.AssertClose(FixtureTensors.Values(actual[1]), expectedAnomaly, 1e-5, 0, "t_a");
        // The two classes differ far beyond the tolerance (the check has power).
        Assert.IsTrue(Tolerance.MaxAbs(expectedNormal, expectedAnomaly) > 1e-2, "t_n and t_a should differ");
        // The per-prompt features are unit vectors.
        var each = e.PromptFeatures(clip, backbone.Tokenizer);
        Assert.AreEqual(e.NormalPrompts().Count + e.AnomalyPrompts().Count, (int)each.shape[0]);
        foreach (var norm in FixtureTensors.Values(each.norm(1))) Assert.AreEqual(1.0, norm, 1e-5);
    }
}
