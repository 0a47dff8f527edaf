using System.Text.Json;
using DaClip.MLNet.IO;
using DaClip.MLNet.Tests.Clip;
using DaClip.MLNet.Tests.Export;
using DaClip.MLNet.Tests.Infrastructure;
using DaClip.MLNet.Training.Clip;
using DaClip.MLNet.Training.Clip.Text;
using DaClip.MLNet.Training;
using DaClip.MLNet.Training.ZeroShot;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;

namespace DaClip.MLNet.Tests.ZeroShot;

/// <summary>
/// The training-free baseline on an OpenAI-format checkpoint (the TorchScript archive of the CLIP fixtures) with CLIP's
/// BPE tokenizer, through the normal checkpoint path: prompt features and the image probability against the official
/// CLIP outputs of the fixture (<c>text_embeds</c>, <c>image_embeds</c>, <c>logits_per_image</c>), and the exported
/// model against the TorchSharp reference.
/// </summary>
[TestClass]
public sealed class ZeroShotCheckpointFixtureTests
{
    [TestMethod]
    public void Openai_checkpoint_with_bpe_gives_the_official_features_and_probability()
    {
        foreach (var (name, configPath) in ClipFixtureTests.Sets())
        {
            var dir = Path.GetDirectoryName(configPath)!;
            var prompts = JsonDocument.Parse(File.ReadAllText(configPath)).RootElement.GetProperty("prompts").EnumerateArray().Select(e => e.GetString()!).ToArray();
            CollectionAssert.AreEqual(new[] { "a photo of a object", "a photo of a damaged object", "a photo of a object with defect", "the object" }, prompts,
                "the fixture's prompts (this test maps them onto normal and anomalous states)");
            var checkpoint = Path.Combine(dir, $"clip_{name}_jit.pt");
            var vocab = Path.Combine(dir, "bpe_simple_vocab_16e6.txt.gz");
            using var backbone = ClipBackbone.Load(checkpoint, vocab);
            Assert.IsInstanceOfType<ClipTokenizer>(backbone.Tokenizer);
            var ensemble = new CompositionalPromptEnsemble
            {
                Templates = ["{0}"],
                NormalStates = ["a photo of a {0}", "the {0}"],
                AnomalyStates = ["a photo of a damaged {0}", "a photo of a {0} with defect"],
            };
            using var io = SafetensorsFile.Open(Path.Combine(dir, $"clip_{name}_io.safetensors"));
            using var scope = torch.NewDisposeScope();
            using var _ = torch.no_grad();
            var official = torch.nn.functional.normalize(FixtureTensors.Float(io, "text_embeds"), dim: -1);
            var expectedFeatures = torch.stack([official[0], official[3], official[1], official[2]], 0);
            Tolerance.AssertClose(FixtureTensors.Values(ensemble.PromptFeatures(backbone.Model, backbone.Tokenizer)), FixtureTensors.Values(expectedFeatures), 1e-4, 1e-4, $"{name}: prompt features");

            int size = backbone.Model.Config.ImageResolution;
            using var net = ZeroShotNetwork.Create(backbone.Model, backbone.Tokenizer, new DaClipModelOptions { ImageSize = size, TopK = 4 }, ensemble);
            // CLIP's temperature: exp(logit_scale) g·t reproduces the official logits_per_image.
            var image = torch.nn.functional.normalize(FixtureTensors.Float(io, "image_embeds"), dim: -1);
            var logits = torch.matmul(image, official.t()) / net.Options.Tau;
            Tolerance.AssertClose(FixtureTensors.Values(logits), FixtureTensors.Values(FixtureTensors.Float(io, "logits_per_image")), 1e-3, 1e-4, $"{name}: logits at 1/τ");
            var textNormal = torch.nn.functional.normalize(official[0] + official[3], dim: -1);
            var textAnomaly = torch.nn.functional.normalize(official[1] + official[2], dim: -1);
            var expectedP = FixtureTensors.Values((torch.matmul(image, torch.stack([textNormal, textAnomaly], 0).t()) / net.Options.Tau).softmax(-1).select(-1, 1));
            var raw = FixtureTensors.Float(io, "pixel_values_raw");
            using var p = net.Predict(raw);
            Tolerance.AssertClose(FixtureTensors.Values(p.GlobalProbability), expectedP, 1e-4, 0, $"{name}: image probability");

            // The ML.NET estimator's model (checkpoint path + vocabulary) is this network, exported.
            var onnx = DaClipZeroShotEstimator.ExportToBytes(new DaClipZeroShotOptions
            {
                Backbone = checkpoint, VocabPath = vocab, Model = new DaClipModelOptions { ImageSize = size, TopK = 4 }, Prompts = ensemble,
            });
            var pixels = FixtureTensors.Values(raw);
            int n = (int)raw.shape[0];
            var reference = new DaClipOutputsFlat(FixtureTensors.Values(p.Score), FixtureTensors.Values(p.Score).Select(v => v > 0.5f).ToArray(),
                FixtureTensors.Values(p.AnomalyMap), FixtureTensors.Values(p.GlobalProbability), FixtureTensors.Values(p.PatchMap));
            DaClipExportHarness.AssertClose(DaClipExportHarness.Run(onnx, pixels, n, size), reference, 1e-4, $"{name}: ONNX");
        }
    }
}
