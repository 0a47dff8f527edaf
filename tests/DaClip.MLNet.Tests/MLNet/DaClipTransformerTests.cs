using DaClip.MLNet.Imaging;
using DaClip.MLNet.Scoring;
using DaClip.MLNet.Tests.Infrastructure;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.MLNet;

[TestClass]
public class DaClipTransformerTests
{

    private static ScoringFixture _f = null!;

    [ClassInitialize]
    public static void Setup(TestContext _) => _f = new ScoringFixture("mlnet-transformer", 8, seed: 11);

    [ClassCleanup]
    public static void Cleanup() => _f.Dispose();

    [TestMethod]
    public void PathColumn_AddsTypedColumns_WithNumbersOfTheModel()
    {
        var ml = new MLContext(seed: 1);
        var data = MLNetTestData.Rows(ml, _f.Images);
        using var model = ml.Transforms.ApplyDaClipModel(_f.ModelPath).Fit(data);
        var scored = model.Transform(data);

        var expectedNames = new[] { "Image", "Label", "Mask", "Class", "Score", "PredictedLabel", "ScoreCentered", "AnomalyMap" };
        CollectionAssert.AreEqual(expectedNames, scored.Schema.Where(c => !c.IsHidden).Select(c => c.Name).ToArray());
        Assert.AreEqual(scored.Schema.Count, expectedNames.Length, "no hidden or internal columns are left");
        Assert.AreEqual(NumberDataViewType.Single, scored.Schema["Score"].Type);
        Assert.AreEqual(BooleanDataViewType.Instance, scored.Schema["PredictedLabel"].Type);
        Assert.AreEqual(NumberDataViewType.Single, scored.Schema["ScoreCentered"].Type);
        var mapType = (VectorDataViewType)scored.Schema["AnomalyMap"].Type;
        Assert.AreEqual(NumberDataViewType.Single, mapType.ItemType);
        CollectionAssert.AreEqual(new[] { 1, 1, ContractModel.Size, ContractModel.Size }, mapType.Dimensions.ToArray());
        Assert.AreEqual(scored.Schema.ToString(), model.GetOutputSchema(data.Schema).ToString());

        var scores = MLNetTestData.Scores(scored);
        var labels = scored.GetColumn<bool>("PredictedLabel").ToArray();
        var centred = MLNetTestData.Scores(scored, "ScoreCentered");
        var maps = MLNetTestData.Maps(scored);
        var pre = new ImagePreprocessor(ContractModel.Size);
        for (int i = 0; i < _f.Images.Count; i++)
        {
            var (score, map) = ContractModel.Expected(pre.Process(_f.Images[i].Path));
            Assert.AreEqual(score, scores[i], 1e-6, $"score {i}");
            Assert.AreEqual(ContractModel.Size * ContractModel.Size, maps[i].Length);
            Tolerance.AssertClose(maps[i], map.Select(v => (float)v).ToArray(), 1e-6, 1e-6, $"map {i}");
            Assert.AreEqual(scores[i] > _f.Threshold, labels[i], $"label {i}");
            Assert.AreEqual(scores[i] - _f.Threshold, centred[i], $"centred {i}");
            Assert.AreEqual(labels[i], centred[i] > 0, $"centred sign {i}");
        }
        Assert.IsTrue(labels.Distinct().Count() == 2, "the threshold separates the test images: " + string.Join(", ", scores));
    }

    [TestMethod]
    public void ScoreBatch_GivesTheNumbersOfTransform_AndOfTheOnnxScorer()
    {
        var ml = new MLContext(seed: 1);
        var data = MLNetTestData.Rows(ml, _f.Images);
        using var model = ml.Transforms.ApplyDaClipModel(_f.ModelPath).Fit(data);
        var scored = model.Transform(data);
        var scores = MLNetTestData.Scores(scored);
        var maps = MLNetTestData.Maps(scored);
        var batch = model.ScoreBatch(data, batchSize: 3);
        using var scorer = new DaClipOnnxScorer(_f.ModelPath, new DaClipScorerOptions { Provider = ExecutionProvider.Cpu });
        var direct = scorer.Score(_f.Images.Select(i => i.Path).ToList(), batchSize: 5);
        Assert.AreEqual(_f.Images.Count, batch.Count);
        for (int i = 0; i < _f.Images.Count; i++)
        {
            Assert.AreEqual(scores[i], batch[i].Score, $"score {i}");
            Assert.AreEqual(scores[i], direct[i].Score, $"scorer score {i}");
            CollectionAssert.AreEqual(maps[i], batch[i].AnomalyMap, $"map {i}");
        }
    }

    [TestMethod]
    public void BytesAndImageColumns_ScoreLikePaths()
    {
        var ml = new MLContext(seed: 1);
        var data = MLNetTestData.Rows(ml, _f.Images);
        using var byPath = ml.Transforms.ApplyDaClipModel(_f.ModelPath).Fit(data);
        var expected = MLNetTestData.Scores(byPath.Transform(data));
        var expectedMaps = MLNetTestData.Maps(byPath.Transform(data));

        var bytesPipeline = ml.Transforms.LoadRawImageBytes("Bytes", null, "Image")
            .Append(ml.Transforms.ApplyDaClipModel(_f.ModelPath, new DaClipScoringOptions { ImageColumnName = "Bytes" }));
        using var bytesModel = bytesPipeline.Fit(data);
        Assert.AreEqual(DaClipImageKind.EncodedBytes, bytesModel.LastTransformer.ImageKind);
        var bytesScored = bytesModel.Transform(data);

        var imagePipeline = ml.Transforms.LoadImages("Picture", null, "Image")
            .Append(ml.Transforms.ApplyDaClipModel(_f.ModelPath, new DaClipScoringOptions { ImageColumnName = "Picture" }));
        using var imageModel = imagePipeline.Fit(data);
        Assert.AreEqual(DaClipImageKind.Image, imageModel.LastTransformer.ImageKind);
        var imageScored = imageModel.Transform(data);

        CollectionAssert.AreEqual(expected, MLNetTestData.Scores(bytesScored));
        CollectionAssert.AreEqual(expected, MLNetTestData.Scores(imageScored));
        var bytesMaps = MLNetTestData.Maps(bytesScored);
        var imageMaps = MLNetTestData.Maps(imageScored);
        for (int i = 0; i < expected.Length; i++)
        {
            CollectionAssert.AreEqual(expectedMaps[i], bytesMaps[i]);
            CollectionAssert.AreEqual(expectedMaps[i], imageMaps[i]);
        }
        var batch = imageModel.LastTransformer.ScoreBatch(imageModel.Transform(data), batchSize: 4);
        CollectionAssert.AreEqual(expected, batch.Select(p => p.Score).ToArray());
        var bytesBatch = bytesModel.LastTransformer.ScoreBatch(ml.Transforms.LoadRawImageBytes("Bytes", null, "Image").Fit(data).Transform(data));
        CollectionAssert.AreEqual(expected, bytesBatch.Select(p => p.Score).ToArray());
    }

    [TestMethod]
    public void PredictionEngine_And_EightThreads_GiveIdenticalResults()
    {
        var ml = new MLContext(seed: 1);
        var data = MLNetTestData.Rows(ml, _f.Images);
        using var model = ml.Transforms.ApplyDaClipModel(_f.ModelPath).Fit(data);
        var scored = model.Transform(data);
        var scores = MLNetTestData.Scores(scored);
        var maps = MLNetTestData.Maps(scored);

        var engine = ml.Model.CreatePredictionEngine<ImageRow, DaClipOutputRow>(model);
        var one = engine.Predict(new ImageRow { Image = _f.Images[3].Path });
        Assert.AreEqual(scores[3], one.Score);
        Assert.AreEqual(one.Score > _f.Threshold, one.PredictedLabel);
        CollectionAssert.AreEqual(maps[3], one.AnomalyMap);

        var results = new float[8][];
        var threadMaps = new float[8][][];
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, t =>
        {
            var own = ml.Model.CreatePredictionEngine<ImageRow, DaClipOutputRow>(model);
            results[t] = new float[_f.Images.Count];
            threadMaps[t] = new float[_f.Images.Count][];
            for (int r = 0; r < 3; r++)
                for (int i = 0; i < _f.Images.Count; i++)
                {
                    var p = own.Predict(new ImageRow { Image = _f.Images[(i + t) % _f.Images.Count].Path });
                    results[t][(i + t) % _f.Images.Count] = p.Score;
                    threadMaps[t][(i + t) % _f.Images.Count] = p.AnomalyMap;
                }
        });
        for (int t = 0; t < 8; t++)
        {
            CollectionAssert.AreEqual(scores, results[t], $"thread {t}");
            for (int i = 0; i < _f.Images.Count; i++) CollectionAssert.AreEqual(maps[i], threadMaps[t][i], $"thread {t} map {i}");
        }
    }

    [TestMethod]
    public void SchemaErrors_NameTheColumnAndTheTypes()
    {
        var ml = new MLContext(seed: 1);
        var data = MLNetTestData.Rows(ml, _f.Images);
        var missing = Assert.ThrowsExactly<DaClipSchemaException>(() => ml.Transforms.ApplyDaClipModel(_f.ModelPath, "Photo").Fit(data));
        Assert.AreEqual("Photo", missing.ColumnName);
        Assert.IsNull(missing.ActualType);
        StringAssert.Contains(missing.Message, "Image, Label, Mask, Class");

        var wrong = Assert.ThrowsExactly<DaClipSchemaException>(() => ml.Transforms.ApplyDaClipModel(_f.ModelPath, "Label").Fit(data));
        Assert.AreEqual("Boolean", wrong.ActualType);
        StringAssert.Contains(wrong.ExpectedType, "String");

        var resized = ml.Transforms.LoadImages("Picture", null, "Image").Append(ml.Transforms.ResizeImages("Picture", 16, 16)).Fit(data).Transform(data);
        var nearest = Assert.ThrowsExactly<DaClipSchemaException>(() => ml.Transforms.ApplyDaClipModel(_f.ModelPath, "Picture").Fit(resized));
        StringAssert.Contains(nearest.Message, "without ResizeImages");

        var shape = ml.Transforms.ApplyDaClipModel(_f.ModelPath, "Photo");
        Assert.ThrowsExactly<DaClipSchemaException>(() => shape.GetOutputSchema(SchemaShapeOf(ml, data)));

        using var model = ml.Transforms.ApplyDaClipModel(_f.ModelPath).Fit(data);
        var asBytes = ml.Transforms.LoadRawImageBytes("Image", null, "Image").Fit(data).Transform(data);
        var kind = Assert.ThrowsExactly<DaClipSchemaException>(() => model.Transform(asBytes));
        Assert.AreEqual("Image", kind.ColumnName);

        var clash = ml.Transforms.CopyColumns("score", "Label").Fit(data).Transform(data);
        Assert.ThrowsExactly<DaClipSchemaException>(() => ml.Transforms.ApplyDaClipModel(_f.ModelPath).Fit(clash));
        Assert.ThrowsExactly<DaClipOptionException>(() => ml.Transforms.ApplyDaClipModel(_f.ModelPath, new DaClipScoringOptions { ScoreColumnName = "AnomalyMap" }));
    }

    [TestMethod]
    public void EstimatorOutputSchema_AddsTheFourColumns()
    {
        var ml = new MLContext(seed: 1);
        var data = MLNetTestData.Rows(ml, _f.Images);
        var estimator = ml.Transforms.ApplyDaClipModel(_f.ModelPath, new DaClipScoringOptions { ScoreColumnName = "S", AnomalyMapColumnName = "Map" });
        var shape = estimator.GetOutputSchema(SchemaShapeOf(ml, data));
        var byName = shape.ToDictionary(c => c.Name);
        Assert.AreEqual(8, shape.Count);
        Assert.AreEqual(NumberDataViewType.Single, byName["S"].ItemType);
        Assert.AreEqual(SchemaShape.Column.VectorKind.Scalar, byName["S"].Kind);
        Assert.AreEqual(BooleanDataViewType.Instance, byName["PredictedLabel"].ItemType);
        Assert.AreEqual(NumberDataViewType.Single, byName["ScoreCentered"].ItemType);
        Assert.AreEqual(SchemaShape.Column.VectorKind.Vector, byName["Map"].Kind);
        Assert.AreEqual(NumberDataViewType.Single, byName["Map"].ItemType);
        using var model = estimator.Fit(data);
        var actual = model.GetOutputSchema(data.Schema);
        CollectionAssert.AreEquivalent(shape.Select(c => c.Name).ToArray(), actual.Select(c => c.Name).ToArray());
    }

    [TestMethod]
    public void CorruptImage_IsAnImageInputException()
    {
        var ml = new MLContext(seed: 1);
        var bad = _f.File("corrupt.png");
        File.WriteAllBytes(bad, [0x89, (byte)'P', (byte)'N', (byte)'G', 1, 2, 3]);
        var data = ml.Data.LoadFromEnumerable(new[] { new ImageRow { Image = bad } });
        using var model = ml.Transforms.ApplyDaClipModel(_f.ModelPath).Fit(data);
        var e = Assert.ThrowsExactly<ImageInputException>(() => model.ScoreBatch(data));
        Assert.AreEqual(bad, e.Input);
        var fromTransform = Assert.Throws<Exception>(() => MLNetTestData.Scores(model.Transform(data)));
        Assert.IsTrue(Unwrap(fromTransform) is ImageInputException, fromTransform.ToString());
    }

    [TestMethod]
    public void Messages_ReachMLContextLog()
    {
        var ml = new MLContext(seed: 1);
        var messages = new List<string>();
        ml.Log += (_, e) => { if (e.Source.StartsWith("DaClip", StringComparison.Ordinal)) lock (messages) messages.Add(e.RawMessage); };
        var data = MLNetTestData.Rows(ml, _f.Images);
        using var model = ml.Transforms.ApplyDaClipModel(_f.ModelPath).Fit(data);
        Assert.IsTrue(messages.Any(m => m.Contains("input 16 x 16 (Stretch), threshold 0.36", StringComparison.Ordinal)), string.Join("\n", messages));
    }

    /// <summary>The schema shape of a data view (ML.NET keeps <c>SchemaShape.Create</c> internal; tests call it by reflection).</summary>
    internal static SchemaShape SchemaShapeOf(MLContext ml, IDataView data) =>
        (SchemaShape)typeof(SchemaShape).GetMethod("Create", System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.NonPublic, [typeof(DataViewSchema)])!
            .Invoke(null, [data.Schema])!;

    private static Exception Unwrap(Exception e)
    {
        while (e.InnerException is not null && e is not DaClipException) e = e.InnerException;
        return e;
    }
}
