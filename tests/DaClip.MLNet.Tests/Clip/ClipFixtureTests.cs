using System.Text.Json;
using DaClip.MLNet.IO;
using DaClip.MLNet.Tests.Infrastructure;
using DaClip.MLNet.Training.Clip;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using static TorchSharp.torch;

namespace DaClip.MLNet.Tests.Clip;

/// <summary>
/// Every CLIP fixture set (clip/clip_*_config.json) in each of its three weight formats reproduces the official
/// PyTorch outputs within abs/rel 1e-4 (fixtures README §1).
/// </summary>
[TestClass]
public sealed class ClipFixtureTests
{
    private const double Abs = 1e-4, Rel = 1e-4;

    public TestContext TestContext { get; set; } = null!;

    public static IEnumerable<(string Name, string Config)> Sets() =>
        Fixtures.Glob("clip", "clip_*_config.json").Select(f => (Fixtures.SetName(f, "clip_*_config.json"), f));

    [TestMethod]
    [DataRow("weights.safetensors")]
    [DataRow("state_dict.pt")]
    [DataRow("jit.pt")]
    public void Outputs_match_official_clip(string format)
    {
        foreach (var (name, configPath) in Sets())
        {
            var dir = Path.GetDirectoryName(configPath)!;
            using var _ = torch.NewDisposeScope();
            using var model = ClipCheckpoint.Load(Path.Combine(dir, $"clip_{name}_{format}"), out var info);
            AssertConfigMatches(info.Config, configPath);
            Assert.AreEqual(format switch { "jit.pt" => ClipCheckpointFormat.TorchScript, "state_dict.pt" => ClipCheckpointFormat.TorchSave, _ => ClipCheckpointFormat.Safetensors }, info.Format);
            if (format == "jit.pt")
                CollectionAssert.AreEquivalent(new[] { "context_length", "input_resolution", "vocab_size" }, info.SkippedKeys.ToArray());

            using var io = SafetensorsFile.Open(Path.Combine(dir, $"clip_{name}_io.safetensors"));
            var errors = CompareAll(model, io);
            foreach (var (key, err) in errors) TestContext.WriteLine($"{name}/{format} {key}: max abs {err:E2}");
        }
    }

    /// <summary>Compares every output of the fixture README's table; returns key → max abs error.</summary>
    internal static List<(string Key, double MaxAbs)> CompareAll(ClipModel model, SafetensorsFile io)
    {
        var errors = new List<(string, double)>();
        void Check(string key, Tensor actual) =>
            errors.Add((key, Tolerance.AssertClose(FixtureTensors.Values(actual), io.ReadSingle(key), Abs, Rel, key)));

        using var noGrad = torch.no_grad();
        var pixels = FixtureTensors.Float(io, "pixel_values");
        var visual = model.Visual;
        Check("vision_tokens_in", visual.Embed(pixels));
        var (lnPre, blocks) = visual.ForwardBlocks(pixels);
        Check("vision_ln_pre", lnPre);
        for (int i = 0; i < blocks.Count; i++)
        {
            Check($"vision_block_{i}", blocks[i]);
            Check($"vision_tokens_proj_block_{i}", visual.Project(blocks[i]));
        }
        Check("vision_tokens_proj", visual.Project(blocks[^1]));
        var imageEmbeds = model.EncodeImage(pixels);
        Check("image_embeds", imageEmbeds);

        var ids = FixtureTensors.Long(io, "input_ids");
        var tokensIn = model.EmbedText(ids);
        Check("text_tokens_in", tokensIn);
        var textBlocks = new List<float[]>();
        var lnFinal = model.TextTower(tokensIn, afterBlock: (_, x) => textBlocks.Add(FixtureTensors.Values(x)));
        for (int j = 0; j < textBlocks.Count; j++)
            errors.Add(($"text_block_{j}", Tolerance.AssertClose(textBlocks[j], io.ReadSingle($"text_block_{j}"), Abs, Rel, $"text_block_{j}")));
        Check("text_ln_final", lnFinal);
        CollectionAssert.AreEqual(io.ReadInt64("text_eot_index"), ids.argmax(-1).data<long>().ToArray(), "text_eot_index");
        Check("text_embeds", model.EncodeText(ids));
        var (perImage, perText) = model.forward(pixels, ids);
        Check("logits_per_image", perImage);
        Check("logits_per_text", perText);

        var interpPixels = FixtureTensors.Float(io, "interp_pixel_values");
        int grid = (int)(interpPixels.shape[2] / model.Config.VisionPatchSize);
        foreach (var (mode, suffix) in new[] { (PositionalInterpolation.Bicubic, "bicubic"), (PositionalInterpolation.Bilinear, "bilinear") })
        {
            Check($"interp_positional_embedding_{suffix}", visual.PositionalEmbeddingFor(grid, mode));
            var taps = visual.ProjectedTokens(interpPixels, Enumerable.Range(1, visual.Blocks.Count), mode);
            foreach (var (layer, t) in taps)
            {
                var key = $"interp_vision_tokens_proj_{suffix}_block_{layer - 1}";
                if (io.Contains(key)) Check(key, t);
            }
            Check($"interp_vision_tokens_proj_{suffix}", taps[visual.Blocks.Count]);
            Check($"interp_image_embeds_{suffix}", model.EncodeImage(interpPixels, mode));
        }
        return errors;
    }

    private static void AssertConfigMatches(ClipConfig config, string configPath)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(configPath));
        var r = doc.RootElement;
        int Get(string k) => r.GetProperty(k).GetInt32();
        Assert.AreEqual(Get("embed_dim"), config.EmbedDim, "embed_dim");
        Assert.AreEqual(Get("image_resolution"), config.ImageResolution, "image_resolution");
        Assert.AreEqual(Get("vision_layers"), config.VisionLayers, "vision_layers");
        Assert.AreEqual(Get("vision_width"), config.VisionWidth, "vision_width");
        Assert.AreEqual(Get("vision_patch_size"), config.VisionPatchSize, "vision_patch_size");
        Assert.AreEqual(Get("context_length"), config.ContextLength, "context_length");
        Assert.AreEqual(Get("vocab_size"), config.VocabSize, "vocab_size");
        Assert.AreEqual(Get("transformer_width"), config.TransformerWidth, "transformer_width");
        Assert.AreEqual(Get("transformer_heads"), config.TransformerHeads, "transformer_heads");
        Assert.AreEqual(Get("transformer_layers"), config.TransformerLayers, "transformer_layers");
        Assert.AreEqual(Get("vision_heads"), config.VisionHeads, "vision_heads");
    }
}
