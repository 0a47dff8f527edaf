using DaClip.MLNet.Pipeline;
using System.Buffers.Binary;
using System.IO.Compression;
using System.Text.Json.Nodes;
using DaClip.MLNet.Scoring;
using DaClip.MLNet.Tests.Infrastructure;
using DaClip.MLNet.Tests.MLNet;
using DaClip.MLNet.Training.Export;
using DaClip.Serve;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Scoring;

/// <summary>
/// <see cref="DaClipModelContract"/>: one validation whatever loads the model (contract, scorer, ML.NET chain, CLI,
/// server), the threshold rewrite touching only the threshold, the chain marker, and zips saved by the previous version.
/// </summary>
[TestClass]
public sealed class DaClipModelContractTests
{
    private static ScoringFixture _f = null!;

    [ClassInitialize]
    public static void Setup(TestContext _) => _f = new ScoringFixture("contract", 4, seed: 77);

    [ClassCleanup]
    public static void Cleanup() => _f.Dispose();

    private static DaClipScorerOptions Cpu => new() { Provider = ExecutionProvider.Cpu, IntraOpThreads = 1, Log = _ => { } };

    [TestMethod]
    public void Contract_of_a_contract_model_reads_every_field()
    {
        var c = DaClipModelContract.Read(ContractModel.Build(0.25f, fit: "Pad"), "contract.onnx");
        Assert.AreEqual(ContractModel.Size, c.ImageSize);
        Assert.AreEqual(global::DaClip.MLNet.Imaging.ImageFit.Pad, c.Fit);
        Assert.AreEqual(0.25f, c.Threshold);
        Assert.AreEqual(ContractModel.Grid, c.PatchGrid);
        Assert.AreEqual(DaClipModelContract.MethodDaClip, c.Method, "models that do not say are DA-CLIP");
        Assert.IsNull(c.Precision);
        Assert.IsNull(c.NetworkOptions);
        Assert.AreEqual(1, c.FormatVersion);
        Assert.AreEqual("pixels: float32 [N, 3, 16, 16]", c.DescribeInput());
    }

    [TestMethod]
    public void A_model_missing_an_output_fails_with_the_same_typed_error_in_contract_scorer_chain_cli_and_server()
    {
        var path = _f.File("no-patch-map.onnx");
        File.WriteAllBytes(path, FakeDaClipModel.Build(ContractModel.Size, ContractModel.Grid, 0.4f, withPatchMap: false).ToBytes());
        AssertSameErrorEverywhere(Path.GetFullPath(path), "lacks the output(s) 'patch_map'");
    }

    [TestMethod]
    public void A_model_with_an_output_of_the_wrong_shape_fails_with_the_same_typed_error_everywhere()
    {
        var model = new OnnxModelBuilder("wrong_shape");
        foreach (var (key, value) in new DaClipModelContract { ImageSize = 8, Threshold = 0.5f }.ToMetadata()) model.SetMetadata(key, value);
        var g = model.Graph;
        var pixels = g.AddInput(DaClipModelTensors.Pixels, OnnxElementType.Float, ["N", 3, 8, 8]);
        var map = g.ReduceMean(pixels, [1], keepDims: true);
        var score = g.ReduceMean(pixels, [1, 2, 3], keepDims: false);
        g.AddOutput(DaClipModelTensors.Score, OnnxElementType.Float, ["N", 1, 1, 1], g.ReduceMean(pixels, [1, 2, 3], keepDims: true));
        g.AddOutput(DaClipModelTensors.PredictedLabel, OnnxElementType.Bool, ["N"], g.Greater(score, g.Scalar(0.5f)));
        g.AddOutput(DaClipModelTensors.AnomalyMap, OnnxElementType.Float, ["N", 1, 8, 8], map);
        g.AddOutput(DaClipModelTensors.GlobalProb, OnnxElementType.Float, ["N"], score);
        g.AddOutput(DaClipModelTensors.PatchMap, OnnxElementType.Float, ["N", 1, 2, 2], g.AveragePool(map, [4, 4], [4, 4]));
        var path = _f.File("wrong-shape.onnx");
        File.WriteAllBytes(path, model.ToBytes());
        AssertSameErrorEverywhere(Path.GetFullPath(path), "output 'score' has shape [?, 1, 1, 1]; the DA-CLIP contract needs float32 [N]");
    }

    private static void AssertSameErrorEverywhere(string path, string problem)
    {
        var expected = Assert.ThrowsExactly<DaClipFileFormatException>(() => DaClipModelContract.Read(path)).Message;
        StringAssert.StartsWith(expected, path + ": ");
        StringAssert.Contains(expected, problem);
        StringAssert.Contains(expected, "Re-export the model with DaClip.MLNet");

        Assert.AreEqual(expected, Assert.ThrowsExactly<DaClipFileFormatException>(() => new DaClipOnnxScorer(path, Cpu)).Message, "scorer");
        var ml = new MLContext(seed: 1);
        Assert.AreEqual(expected, Assert.ThrowsExactly<DaClipFileFormatException>(() => ml.Transforms.ApplyDaClipModel(path).Fit(_f.Rows(ml))).Message, "ML.NET chain");
        Assert.AreEqual(expected, Assert.ThrowsExactly<DaClipFileFormatException>(() =>
            ServedModel.Load(new DaClipServerOptions { ModelPath = path, Provider = ExecutionProvider.Cpu, Log = _ => { } })).Message, "server");
        var (exit, _, err) = CliRunner.Run("serve", "--model", path, "--device", "cpu", "--urls", "http://127.0.0.1:0");
        Assert.AreEqual(2, exit, err);
        StringAssert.Contains(err, expected, "CLI");
        Assert.IsFalse(err.Contains("   at ", StringComparison.Ordinal), "no stack trace: " + err);
    }

    [TestMethod]
    public void Threshold_rewrite_changes_only_the_threshold()
    {
        var original = _f.Model;
        var moved = DaClipModelContract.WithThreshold(original, 0.5f, "contract.onnx");
        var before = DaClipModelContract.Read(original);
        var after = DaClipModelContract.Read(moved);
        Assert.AreEqual(_f.Threshold, before.Threshold);
        Assert.AreEqual(0.5f, after.Threshold);
        Assert.AreEqual(before with { Threshold = 0.5f, Metadata = after.Metadata }, after, "every other field is kept");
        CollectionAssert.AreEquivalent(before.Metadata.Keys.ToList(), after.Metadata.Keys.ToList());
        foreach (var (key, value) in before.Metadata.Where(kv => kv.Key != DaClipModelMetadata.Threshold))
            Assert.AreEqual(value, after.Metadata[key], key);
        Assert.AreEqual("0.5", after.Metadata[DaClipModelMetadata.Threshold]);
        CollectionAssert.AreEqual(original, DaClipModelContract.WithThreshold(moved, _f.Threshold), "rewriting the old threshold back gives the same bytes");

        using var a = new DaClipOnnxScorer(original, Cpu);
        using var b = new DaClipOnnxScorer(moved, Cpu);
        var paths = _f.Images.Select(i => i.Path).ToList();
        var pa = a.Score(paths);
        var pb = b.Score(paths);
        CollectionAssert.AreEqual(pa.Select(p => p.Score).ToArray(), pb.Select(p => p.Score).ToArray(), "scores are equal");
        for (int i = 0; i < pa.Count; i++) CollectionAssert.AreEqual(pa[i].AnomalyMap.ToArray(), pb[i].AnomalyMap.ToArray(), "maps are equal");
        CollectionAssert.AreEqual(pb.Select(p => p.Score > 0.5f).ToArray(), pb.Select(p => p.PredictedLabel).ToArray(), "the label follows the new threshold");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => DaClipModelContract.WithThreshold(original, float.NaN));
    }

    [TestMethod]
    public void Chain_is_recognised_by_its_marker_stage_not_by_its_length()
    {
        var ml = new MLContext(seed: 1);
        var data = _f.Rows(ml);
        using var model = new DaClipScoringEstimator(ml, _f.Model).Fit(data);
        var stages = model.Chain.ToList();
        Assert.AreEqual(1, stages.Count(DaClipChainLayout.IsMarker));
        Assert.IsTrue(DaClipChainLayout.IsMarker(stages[1]));

        var nested = new TransformerChain<ITransformer>(ml.Transforms.CopyColumns("Copy", "Image").Fit(data), model.Chain);
        CollectionAssert.AreEqual(new[] { model.Chain }, DaClipChainBuilder.FindChains(nested).ToArray(), "found inside a pipeline");
        var unmarked = new TransformerChain<ITransformer>([.. stages.Where(s => !DaClipChainLayout.IsMarker(s))]);
        Assert.AreEqual(0, DaClipChainBuilder.FindChains(unmarked).Count(), "same stages without the marker: not DA-CLIP's");
        var e = Assert.ThrowsExactly<DaClipException>(() => DaClipTransformer.FromChain(ml, unmarked));
        StringAssert.Contains(e.Message, "has no DA-CLIP stage");
    }

    [TestMethod]
    public void Chain_spec_holds_only_column_names_and_a_zip_saved_by_the_previous_version_loads_the_same()
    {
        var ml = new MLContext(seed: 1);
        var data = _f.Rows(ml);
        using var model = new DaClipScoringEstimator(ml, _f.Model).Fit(data);
        var expected = MLNetTestData.Scores(model.Transform(data));
        var zip = _f.File("current.zip");
        model.Save(zip, data.Schema);

        var spec = (JsonObject)JsonNode.Parse(EmbeddedModel(zip).GetMetadata(DaClipChainLayout.SpecMetadataKey)!)!;
        CollectionAssert.AreEquivalent(new[] { "ImageColumnName", "ImageKind", "ScoreColumnName", "PredictedLabelColumnName", "ScoreCenteredColumnName", "AnomalyMapColumnName", "MapSize" },
            spec.Select(p => p.Key).ToArray(), "image size, fit and threshold come from the model's contract; the map size is the chain's own choice");

        // The previous version wrote the image size, fit and threshold into the chain spec as well; such zips still load.
        spec["ImageSize"] = ContractModel.Size;
        spec["Fit"] = "Stretch";
        spec["Threshold"] = _f.Threshold;
        var old = _f.File("previous-version.zip");
        File.Copy(zip, old, overwrite: true);
        ReplaceEmbeddedSpec(old, spec.ToJsonString());
        var fresh = new MLContext();
        using var loaded = DaClipTransformer.Load(fresh, old);
        Assert.AreEqual(_f.Threshold, loaded.Threshold);
        Assert.AreEqual(ContractModel.Size, loaded.ImageSize);
        CollectionAssert.AreEqual(expected, MLNetTestData.Scores(loaded.Transform(_f.Rows(fresh))));
        CollectionAssert.AreEqual(expected, loaded.ScoreBatch(_f.Rows(fresh)).Select(p => p.Score).ToArray());
    }

    [TestMethod]
    public void A_saved_zip_whose_model_breaks_the_contract_names_the_problem_not_a_missing_stage()
    {
        var ml = new MLContext(seed: 1);
        var data = _f.Rows(ml);
        using var model = new DaClipScoringEstimator(ml, _f.Model).Fit(data);
        var zip = _f.File("future.zip");
        model.Save(zip, data.Schema);
        var proto = Onnx.ModelProto.Parser.ParseFrom(EmbeddedModel(zip).ToBytes());
        proto.MetadataProps.Single(p => p.Key == DaClipModelMetadata.FormatVersion).Value = "99";
        ReplaceEmbeddedModel(zip, Google.Protobuf.MessageExtensions.ToByteArray(proto));
        var e = Assert.ThrowsExactly<DaClipFileFormatException>(() => DaClipTransformer.Load(new MLContext(), zip));
        StringAssert.Contains(e.Message, "format version 99");
        StringAssert.Contains(e.Message, "Update the DaClip.MLNet package");
    }

    private static DaClipOnnxModel EmbeddedModel(string zip)
    {
        using var stream = File.OpenRead(zip);
        return DaClipOnnxModel.Parse(MLNetModelZip.OnnxModels(stream, zip).Single().Model, zip);
    }

    private static void ReplaceEmbeddedSpec(string zip, string specJson)
    {
        var model = EmbeddedModel(zip);
        model.SetMetadata(DaClipChainLayout.SpecMetadataKey, specJson);
        ReplaceEmbeddedModel(zip, model.ToBytes());
    }

    private static void ReplaceEmbeddedModel(string zip, byte[] bytes)
    {
        using var archive = ZipFile.Open(zip, ZipArchiveMode.Update);
        var entry = archive.Entries.Single(e => e.Name == "OnnxModel");
        string name = entry.FullName;
        entry.Delete();
        using var output = archive.CreateEntry(name).Open();
        var header = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(header, bytes.Length);
        output.Write(header);
        output.Write(bytes);
    }
}
