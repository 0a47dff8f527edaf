using System.Globalization;
using DaClip.MLNet.Scoring;
using DaClip.MLNet.Tests.Infrastructure;
using DaClip.MLNet.Training.Export;
using DaClip.MLNet.Training.Network;
using Microsoft.ML.OnnxRuntime;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using Onnx;

namespace DaClip.MLNet.Tests.Export;

/// <summary>
/// What travels with an exported model and how it is written: contract metadata, dynamic batch, the scorer's
/// acceptance, the baked threshold, float16, external data, atomic replacement, opsets and option checks.
/// </summary>
[TestClass]
public sealed class DaClipExportStructureTests
{
    private const int Size = 32;
    private static DaClipNetwork _net = null!;
    private static byte[] _model = null!;

    public TestContext TestContext { get; set; } = null!;

    [ClassInitialize]
    public static void Setup(TestContext _)
    {
        _net = DaClipExportHarness.TrainedSmallNetwork();
        _model = DaClipOnnxExporter.ExportToBytes(_net);
    }

    [ClassCleanup]
    public static void Cleanup() => _net.Dispose();

    private static DaClipScorerOptions Cpu => new() { Provider = ExecutionProvider.Cpu, IntraOpThreads = 1, Log = _ => { } };

    [TestMethod]
    public void Model_carries_the_contract_metadata_and_a_dynamic_batch()
    {
        using var session = new InferenceSession(_model);
        var meta = session.ModelMetadata.CustomMetadataMap;
        Assert.AreEqual(DaClipModelMetadata.FormatName, meta[DaClipModelMetadata.Format]);
        Assert.AreEqual("1", meta[DaClipModelMetadata.FormatVersion]);
        Assert.AreEqual(typeof(DaClipModelOptions).Assembly.GetName().Version!.ToString(3), meta[DaClipModelMetadata.Version]);
        Assert.AreEqual("32", meta[DaClipModelMetadata.ImageSize]);
        Assert.AreEqual("Stretch", meta[DaClipModelMetadata.ImageFit]);
        Assert.AreEqual("4", meta[DaClipModelMetadata.PatchGrid]);
        Assert.AreEqual("custom", meta[DaClipModelMetadata.Backbone]);
        Assert.AreEqual("0.5", meta[DaClipModelMetadata.Threshold]);
        Assert.AreEqual(_net.Options with { Threshold = DaClipDefaults.Threshold }, DaClipModelOptions.FromJson(meta[DaClipModelMetadata.OptionsJson]));
        Assert.IsFalse(meta[DaClipModelMetadata.OptionsJson].Contains("Threshold", StringComparison.Ordinal), "the threshold's one home is the model");

        var input = session.InputMetadata[DaClipModelTensors.Pixels];
        CollectionAssert.AreEqual(new[] { -1, 3, Size, Size }, input.Dimensions);
        Assert.AreEqual("N", input.SymbolicDimensions[0]);
        CollectionAssert.AreEquivalent(DaClipModelTensors.Outputs.ToList(), session.OutputNames.ToList());
        Assert.AreEqual(typeof(bool), session.OutputMetadata[DaClipModelTensors.PredictedLabel].ElementType);
        CollectionAssert.AreEqual(new[] { -1, 1, 4, 4 }, session.OutputMetadata[DaClipModelTensors.PatchMap].Dimensions);

        var proto = ModelProto.Parser.ParseFrom(_model);
        Assert.AreEqual(OnnxModelBuilder.DefaultOpset, proto.OpsetImport.Single(o => o.Domain == "").Version);
        Assert.IsTrue(proto.Graph.Initializer.Any(t => t.Name == "threshold"), "threshold initializer");
    }

    [TestMethod]
    public void Contract_round_trips_through_the_exporter()
    {
        var written = DaClipOnnxExporter.Build(_net, new DaClipExportOptions { Threshold = 0.625, Fit = global::DaClip.MLNet.Imaging.ImageFit.Crop });
        var bytes = written.ToBytes();
        var fromBytes = DaClipModelContract.Read(bytes, "small.onnx");
        Assert.AreEqual(1, fromBytes.FormatVersion);
        Assert.AreEqual(typeof(DaClipModelOptions).Assembly.GetName().Version!.ToString(3), fromBytes.LibraryVersion);
        Assert.AreEqual(Size, fromBytes.ImageSize);
        Assert.AreEqual(global::DaClip.MLNet.Imaging.ImageFit.Crop, fromBytes.Fit);
        Assert.AreEqual(0.625f, fromBytes.Threshold);
        Assert.AreEqual(4, fromBytes.PatchGrid);
        Assert.AreEqual("custom", fromBytes.Backbone);
        Assert.AreEqual(global::DaClip.MLNet.Training.BackboneFingerprint.Of(_net.Clip), fromBytes.BackboneFingerprint);
        Assert.AreEqual(DaClipModelContract.MethodDaClip, fromBytes.Method);
        Assert.AreEqual("Float32", fromBytes.Precision);
        Assert.IsNull(fromBytes.Int8Form);
        Assert.AreEqual(_net.Options with { Threshold = 0.625 }, fromBytes.NetworkOptions);
        Assert.IsTrue(fromBytes.DescribesNetwork(_net.Options), "the threshold is not part of the network");
        Assert.IsFalse(fromBytes.DescribesNetwork(_net.Options with { Alpha = 0.3 }));
        // What the exporter wrote is exactly what the contract writes, and the scorer reads the same contract from the session.
        CollectionAssert.AreEquivalent(fromBytes.ToMetadata().ToList(), written.Metadata.ToList());
        using var scorer = new DaClipOnnxScorer(bytes, Cpu, "small.onnx");
        Assert.AreEqual(fromBytes, scorer.Contract, "the same contract from the protobuf and from the session, metadata included");
    }

    [TestMethod]
    public void Scorer_accepts_the_model_and_reproduces_the_reference()
    {
        var pixels = DaClipExportHarness.Pixels(3, Size, seed: 31);
        var expected = DaClipExportHarness.Reference(_net, pixels, 3, _net.Options.Threshold);
        using var scorer = new DaClipOnnxScorer(_model, Cpu, "small.onnx");
        Assert.AreEqual(Size, scorer.ImageSize);
        Assert.AreEqual(0.5f, scorer.Threshold);
        var predictions = scorer.ScorePixels(pixels, 3);
        for (int i = 0; i < 3; i++)
        {
            var p = predictions[i];
            Assert.AreEqual(expected.Score[i], p.Score, 1e-4, "score");
            Assert.AreEqual(expected.GlobalProb[i], p.GlobalProb, 1e-4, "global_prob");
            Assert.AreEqual(expected.Label[i], p.PredictedLabel, "predicted_label");
            Tolerance.AssertClose(p.AnomalyMap, expected.AnomalyMap.AsSpan(i * Size * Size, Size * Size), 1e-4, 0, "anomaly_map");
            Tolerance.AssertClose(p.PatchMap, expected.PatchMap.AsSpan(i * 16, 16), 1e-4, 0, "patch_map");
        }
    }

    [TestMethod]
    public void Threshold_option_is_baked_into_the_label_and_the_metadata()
    {
        var pixels = DaClipExportHarness.Pixels(3, Size, seed: 32);
        var scores = DaClipExportHarness.Run(_model, pixels, 3, Size).Score;
        float middle = scores.Order().ElementAt(1);
        var model = DaClipOnnxExporter.ExportToBytes(_net, new DaClipExportOptions { Threshold = middle });
        var outputs = DaClipExportHarness.Run(model, pixels, 3, Size);
        CollectionAssert.AreEqual(scores.Select(v => v > middle).ToArray(), outputs.Label);
        Assert.AreEqual(1, outputs.Label.Count(b => b), "exactly the largest score is above the middle one");
        using var scorer = new DaClipOnnxScorer(model, Cpu);
        Assert.AreEqual(middle, scorer.Threshold);
        Assert.AreEqual((double)middle, scorer.Contract.NetworkOptions!.Threshold, "the options read back carry the model's threshold");
        Assert.AreEqual(middle.ToString("R", CultureInfo.InvariantCulture), scorer.Metadata[DaClipModelMetadata.Threshold]);
        Assert.IsFalse(scorer.Metadata[DaClipModelMetadata.OptionsJson].Contains("Threshold", StringComparison.Ordinal));
    }

    [TestMethod]
    public void Float16_variant_loads_and_scores_on_CPU_close_to_float32()
    {
        var pixels = DaClipExportHarness.Pixels(3, Size, seed: 33);
        var fp32 = DaClipExportHarness.Run(_model, pixels, 3, Size);
        var half = DaClipOnnxExporter.ExportToBytes(_net, new DaClipExportOptions { Precision = OnnxPrecision.Float16 });
        var proto = ModelProto.Parser.ParseFrom(half);
        var fc = proto.Graph.Initializer.Single(t => t.Name == "visual.transformer.resblocks.0.mlp.c_fc.weight");
        Assert.AreEqual((int)OnnxElementType.Float16, fc.DataType, "block weights are float16");
        Assert.AreEqual((int)OnnxElementType.Float, proto.Graph.Initializer.Single(t => t.Name == "visual.ln_pre.weight").DataType, "LayerNorm stays float32");
        Assert.IsLessThan(0.6 * _model.Length, half.Length, "float16 weights halve the tower's size");

        using var scorer = new DaClipOnnxScorer(half, Cpu);
        var actual = scorer.ScorePixels(pixels, 3);
        var flat = new DaClipOutputsFlat(actual.Select(p => p.Score).ToArray(), actual.Select(p => p.PredictedLabel).ToArray(),
            actual.SelectMany(p => p.AnomalyMap).ToArray(), actual.Select(p => p.GlobalProb).ToArray(), actual.SelectMany(p => p.PatchMap).ToArray());
        var d = flat.MaxAbs(fp32);
        TestContext.WriteLine($"float16 vs float32: score {d.Score:E2} map {d.AnomalyMap:E2} global {d.GlobalProb:E2} patch {d.PatchMap:E2}");
        // Measured 1.1e-4 / 1.4e-4 / 1.9e-4 / 2.3e-4 (score / map / global / patch) on this network; bound with margin.
        Assert.IsLessThan(1e-3, Math.Max(Math.Max(d.Score, d.AnomalyMap), Math.Max(d.GlobalProb, d.PatchMap)));
    }

    [TestMethod]
    public void Large_weights_go_to_external_data_beside_the_model()
    {
        using var tmp = new TempDir("export-external");
        var path = tmp.File("model.onnx");
        DaClipOnnxExporter.Export(_net, path, new DaClipExportOptions { ExternalDataThresholdBytes = 4096 });
        Assert.IsTrue(File.Exists(path + ".data"), "side file written");
        var proto = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        var external = proto.Graph.Initializer.Where(t => t.DataLocation == TensorProto.Types.DataLocation.External).ToList();
        Assert.IsTrue(external.Any(t => t.Name == "visual.transformer.resblocks.0.mlp.c_fc.weight"));
        Assert.IsTrue(external.All(t => t.ExternalData.Single(e => e.Key == "location").Value == "model.onnx.data"));
        Assert.IsLessThan(_model.Length / 4, new FileInfo(path).Length, "the model file keeps the graph, not the weights");

        var pixels = DaClipExportHarness.Pixels(2, Size, seed: 34);
        var inline = DaClipExportHarness.Run(_model, pixels, 2, Size);
        using var scorer = new DaClipOnnxScorer(path, Cpu);
        var fromFile = scorer.ScorePixels(pixels, 2);
        CollectionAssert.AreEqual(inline.Score, fromFile.Select(p => p.Score).ToArray());
        CollectionAssert.AreEqual(inline.AnomalyMap, fromFile.SelectMany(p => p.AnomalyMap).ToArray());
    }

    [TestMethod]
    public void Existing_file_is_replaced_only_by_a_complete_model()
    {
        using var tmp = new TempDir("export-atomic");
        var path = tmp.File("model.onnx");
        File.WriteAllText(path, "previous model");
        Assert.ThrowsExactly<DaClipOptionException>(() => DaClipOnnxExporter.Export(_net, path, new DaClipExportOptions { Opset = 16 }));
        Assert.AreEqual("previous model", File.ReadAllText(path));
        Assert.AreEqual(1, Directory.GetFiles(tmp.Path).Length, "no temporary file left behind");

        DaClipOnnxExporter.Export(_net, path);
        CollectionAssert.AreEqual(_model, File.ReadAllBytes(path));
        Assert.AreEqual(1, Directory.GetFiles(tmp.Path).Length);
    }

    [TestMethod]
    [DataRow(18)]
    [DataRow(21)]
    public void Later_opsets_give_the_same_outputs(int opset)
    {
        var pixels = DaClipExportHarness.Pixels(2, Size, seed: 35);
        var baseline = DaClipExportHarness.Run(_model, pixels, 2, Size);
        var model = DaClipOnnxExporter.ExportToBytes(_net, new DaClipExportOptions { Opset = opset });
        Assert.AreEqual(opset, ModelProto.Parser.ParseFrom(model).OpsetImport.Single(o => o.Domain == "").Version);
        DaClipExportHarness.AssertClose(DaClipExportHarness.Run(model, pixels, 2, Size), baseline, 1e-6, $"opset {opset}");
    }

    [TestMethod]
    public void Invalid_options_name_the_option()
    {
        var cases = new (DaClipExportOptions Options, string Name)[]
        {
            (new() { Opset = 22 }, "Opset"),
            (new() { ExternalDataThresholdBytes = 0 }, "ExternalDataThresholdBytes"),
            (new() { Threshold = double.NaN }, "Threshold"),
            (new() { Precision = (OnnxPrecision)7 }, "Precision"),
        };
        foreach (var (options, name) in cases)
        {
            var e = Assert.ThrowsExactly<DaClipOptionException>(() => DaClipOnnxExporter.Build(_net, options));
            StringAssert.Contains(e.Message, "DaClipExportOptions." + name);
            Assert.AreEqual(name, e.ParamName);
        }
        Assert.IsTrue(double.Parse(DaClipOnnxExporter.Build(_net, new() { Threshold = 0.25 }).Metadata[DaClipModelMetadata.Threshold], CultureInfo.InvariantCulture) == 0.25);
    }
}
