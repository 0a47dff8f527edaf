using System.IO.Compression;
using System.Text.Json;
using DaClip.MLNet.IO;
using DaClip.MLNet.Tests.Infrastructure;
using DaClip.MLNet.Training.Clip;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;

namespace DaClip.MLNet.Tests.Clip;

/// <summary>Checkpoint formats beyond OpenAI's own (Hugging Face names) and every bad-input case, each with its typed error.</summary>
[TestClass]
public sealed class ClipCheckpointTests
{
    private static string FirstSet(string suffix)
    {
        var config = ClipFixtureTests.Sets().First().Config;
        return Path.Combine(Path.GetDirectoryName(config)!, $"clip_{Fixtures.SetName(config, "clip_*_config.json")}_{suffix}");
    }

    private static List<SafetensorsTensor> ReadAll(string path)
    {
        using var f = SafetensorsFile.Open(path);
        return f.Entries.Select(e => new SafetensorsTensor(e.Name, e.DType, e.Shape, f.ReadBytes(e.Name))).ToList();
    }

    private static ClipCheckpointException Expect(string path, ClipCheckpointProblem kind, string? mustMention = null)
    {
        var e = Assert.ThrowsExactly<ClipCheckpointException>(() => ClipCheckpoint.Load(path));
        Assert.AreEqual(kind, e.Kind, e.Message);
        StringAssert.Contains(e.Message, path, "the message names the file");
        if (mustMention != null) StringAssert.Contains(e.Message, mustMention);
        return e;
    }

    [TestMethod]
    public void HuggingFace_names_load_to_the_same_outputs()
    {
        var weights = FirstSet("weights.safetensors");
        using var tmp = new TempDir("hf");
        var hf = new List<SafetensorsTensor>();
        using (var f = SafetensorsFile.Open(weights))
        {
            foreach (var e in f.Entries)
            {
                var data = f.ReadSingle(e.Name);
                foreach (var (name, values, shape) in ToHuggingFace(e.Name, data, e.Shape))
                    hf.Add(SafetensorsTensor.FromSingle(name, values, shape));
            }
        }
        hf.Add(SafetensorsTensor.FromInt64("text_model.embeddings.position_ids", Enumerable.Range(0, 77).Select(i => (long)i).ToArray(), 1, 77));
        var path = tmp.File("model.safetensors");
        SafetensorsWriter.Write(path, hf);

        using var model = ClipCheckpoint.Load(path, out var info);
        Assert.IsTrue(info.HuggingFaceNames);
        CollectionAssert.Contains(info.SkippedKeys.ToList(), "text_model.embeddings.position_ids");
        using var io = SafetensorsFile.Open(FirstSet("io.safetensors"));
        var errors = ClipFixtureTests.CompareAll(model, io);
        Assert.IsTrue(errors.Count > 20);
    }

    /// <summary>OpenAI key/tensor → Hugging Face key(s)/tensor(s), the inverse of the loader's mapping, written independently.</summary>
    private static IEnumerable<(string, float[], long[])> ToHuggingFace(string key, float[] data, long[] shape)
    {
        string Block(string k, string tower, string hfTower)
        {
            var rest = k[(tower.Length + ".resblocks.".Length)..];
            int dot = rest.IndexOf('.');
            return $"{hfTower}.encoder.layers.{rest[..dot]}.";
        }
        if (key.StartsWith("visual.transformer.resblocks.") || key.StartsWith("transformer.resblocks."))
        {
            bool vis = key.StartsWith("visual.");
            string tower = vis ? "visual.transformer" : "transformer";
            string prefix = Block(key, tower, vis ? "vision_model" : "text_model");
            string leaf = key[(key.IndexOf(".", tower.Length + ".resblocks.".Length) + 1)..];
            if (leaf is "attn.in_proj_weight" or "attn.in_proj_bias")
            {
                int rows = (int)shape[0] / 3;
                int per = data.Length / 3;
                string kind = leaf.EndsWith("weight") ? "weight" : "bias";
                long[] s = shape.Length == 2 ? [rows, shape[1]] : [rows];
                for (int i = 0; i < 3; i++)
                    yield return ($"{prefix}self_attn.{"qkv"[i]}_proj.{kind}", data[(i * per)..((i + 1) * per)], s);
                yield break;
            }
            var map = new Dictionary<string, string>
            {
                ["attn.out_proj.weight"] = "self_attn.out_proj.weight", ["attn.out_proj.bias"] = "self_attn.out_proj.bias",
                ["ln_1.weight"] = "layer_norm1.weight", ["ln_1.bias"] = "layer_norm1.bias",
                ["ln_2.weight"] = "layer_norm2.weight", ["ln_2.bias"] = "layer_norm2.bias",
                ["mlp.c_fc.weight"] = "mlp.fc1.weight", ["mlp.c_fc.bias"] = "mlp.fc1.bias",
                ["mlp.c_proj.weight"] = "mlp.fc2.weight", ["mlp.c_proj.bias"] = "mlp.fc2.bias",
            };
            yield return (prefix + map[leaf], data, shape);
            yield break;
        }
        float[] Transpose()
        {
            int r = (int)shape[0], c = (int)shape[1];
            var t = new float[data.Length];
            for (int i = 0; i < r; i++) for (int j = 0; j < c; j++) t[j * r + i] = data[i * c + j];
            return t;
        }
        yield return key switch
        {
            "visual.class_embedding" => ("vision_model.embeddings.class_embedding", data, shape),
            "visual.conv1.weight" => ("vision_model.embeddings.patch_embedding.weight", data, shape),
            "visual.positional_embedding" => ("vision_model.embeddings.position_embedding.weight", data, shape),
            "visual.ln_pre.weight" => ("vision_model.pre_layrnorm.weight", data, shape),
            "visual.ln_pre.bias" => ("vision_model.pre_layrnorm.bias", data, shape),
            "visual.ln_post.weight" => ("vision_model.post_layernorm.weight", data, shape),
            "visual.ln_post.bias" => ("vision_model.post_layernorm.bias", data, shape),
            "visual.proj" => ("visual_projection.weight", Transpose(), [shape[1], shape[0]]),
            "text_projection" => ("text_projection.weight", Transpose(), [shape[1], shape[0]]),
            "token_embedding.weight" => ("text_model.embeddings.token_embedding.weight", data, shape),
            "positional_embedding" => ("text_model.embeddings.position_embedding.weight", data, shape),
            "ln_final.weight" => ("text_model.final_layer_norm.weight", data, shape),
            "ln_final.bias" => ("text_model.final_layer_norm.bias", data, shape),
            "logit_scale" => ("logit_scale", data, shape),
            _ => throw new InvalidOperationException("unmapped key " + key),
        };
    }

    [TestMethod]
    public void Missing_file_and_empty_file()
    {
        using var tmp = new TempDir("ck");
        Expect(tmp.File("nope.pt"), ClipCheckpointProblem.NotFound, "daclip download");
        File.WriteAllBytes(tmp.File("empty.pt"), []);
        Expect(tmp.File("empty.pt"), ClipCheckpointProblem.Truncated);
    }

    [TestMethod]
    public void Truncated_safetensors_and_truncated_zip()
    {
        using var tmp = new TempDir("ck");
        foreach (var suffix in new[] { "weights.safetensors", "state_dict.pt", "jit.pt" })
        {
            var bytes = File.ReadAllBytes(FirstSet(suffix));
            var path = tmp.File("half_" + suffix);
            File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
            Expect(path, ClipCheckpointProblem.Truncated, "again");
        }
    }

    [TestMethod]
    public void Corrupt_pickle_and_corrupt_torchscript()
    {
        using var tmp = new TempDir("ck");
        foreach (var suffix in new[] { "state_dict.pt", "jit.pt" })
        {
            var path = tmp.File("bad_" + suffix);
            File.Copy(FirstSet(suffix), path);
            using (var zip = ZipFile.Open(path, ZipArchiveMode.Update))
            {
                var entry = zip.Entries.First(e => e.FullName.EndsWith("/data.pkl"));
                var name = entry.FullName;
                entry.Delete();
                using var s = zip.CreateEntry(name).Open();
                s.Write(new byte[] { 0x80, 0x02, 0x7d, 0x71, 0x00, 0x28, 0xFF, 0xFE, 0x13, 0x37 });
            }
            Expect(path, ClipCheckpointProblem.Corrupt);
        }
    }

    [TestMethod]
    public void Unknown_and_legacy_formats()
    {
        using var tmp = new TempDir("ck");
        File.WriteAllText(tmp.File("notes.txt"), "this is not a checkpoint at all");
        Expect(tmp.File("notes.txt"), ClipCheckpointProblem.UnknownFormat);
        File.WriteAllBytes(tmp.File("legacy.pt"), [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e]);
        Expect(tmp.File("legacy.pt"), ClipCheckpointProblem.UnknownFormat, "legacy");
        using (var zip = ZipFile.Open(tmp.File("other.zip"), ZipArchiveMode.Create))
        using (var s = zip.CreateEntry("readme.txt").Open()) s.WriteByte(65);
        Expect(tmp.File("other.zip"), ClipCheckpointProblem.UnknownFormat);
    }

    [TestMethod]
    public void Missing_key_extra_key_and_shape_mismatch()
    {
        using var tmp = new TempDir("ck");
        var all = ReadAll(FirstSet("weights.safetensors"));

        SafetensorsWriter.Write(tmp.File("missing.safetensors"), all.Where(t => t.Name != "ln_final.bias"));
        Expect(tmp.File("missing.safetensors"), ClipCheckpointProblem.MissingKey, "ln_final.bias");

        SafetensorsWriter.Write(tmp.File("extra.safetensors"), all.Append(SafetensorsTensor.FromSingle("classifier.head.weight", [1f, 2f], 2)));
        Expect(tmp.File("extra.safetensors"), ClipCheckpointProblem.UnexpectedKey, "classifier.head.weight");

        var proj = all.First(t => t.Name == "visual.proj");
        var wrong = SafetensorsTensor.FromSingle("visual.proj", new float[proj.Shape[0] * (proj.Shape[1] + 1)], proj.Shape[0], proj.Shape[1] + 1);
        SafetensorsWriter.Write(tmp.File("shape.safetensors"), all.Select(t => t.Name == "visual.proj" ? wrong : t));
        Expect(tmp.File("shape.safetensors"), ClipCheckpointProblem.ShapeMismatch, "visual.proj");
    }

    [TestMethod]
    public void ResNet_checkpoints_are_refused_by_name()
    {
        using var tmp = new TempDir("ck");
        SafetensorsWriter.Write(tmp.File("rn50.safetensors"),
        [
            SafetensorsTensor.FromSingle("visual.conv1.weight", new float[32 * 3 * 3 * 3], 32, 3, 3, 3),
            SafetensorsTensor.FromSingle("visual.layer1.0.conv1.weight", new float[4], 2, 2, 1, 1),
            SafetensorsTensor.FromSingle("visual.attnpool.positional_embedding", new float[50 * 2], 50, 2),
        ]);
        Expect(tmp.File("rn50.safetensors"), ClipCheckpointProblem.UnsupportedArchitecture, "ResNet CLIP backbones are not supported");
    }

    [TestMethod]
    public void Released_architectures_are_recognised_by_name_from_shapes()
    {
        foreach (var (name, config) in ClipConfig.Known)
        {
            var inferred = ClipConfig.Infer(config.ExpectedShapes(), "shapes");
            Assert.AreEqual(config, inferred);
            Assert.AreEqual(name, inferred.ArchitectureName);
            StringAssert.StartsWith(inferred.Describe(), name);
        }
        Assert.AreEqual("ViT-L/14@336px", ClipConfig.VitL14At336.ArchitectureName);
        Assert.AreEqual(16, ClipConfig.VitL14At336.VisionHeads);
        Assert.AreEqual(24, ClipConfig.VitL14At336.Grid);
        Assert.AreEqual("tiny", ClipConfig.Tiny.ArchitectureName);
        Assert.AreEqual("custom", (ClipConfig.VitB16 with { VisionLayers = 6 }).ArchitectureName);
    }

    [TestMethod]
    public void Inspect_reports_format_and_dtypes_of_the_torchscript_archive()
    {
        var info = ClipCheckpoint.Inspect(FirstSet("jit.pt"));
        Assert.AreEqual(ClipCheckpointFormat.TorchScript, info.Format);
        using var doc = JsonDocument.Parse(File.ReadAllText(ClipFixtureTests.Sets().First().Config));
        int fp16 = doc.RootElement.GetProperty("fp16_in_jit_archive").GetArrayLength();
        Assert.AreEqual(fp16, info.SourceDTypes["Float16"], "tensors stored as fp16 like OpenAI's releases");
        Assert.AreEqual(3, info.SourceDTypes["Int64"], "input_resolution, context_length, vocab_size");
        Assert.AreEqual(info.Config.ExpectedShapes().Count, info.TensorCount);
    }
}
