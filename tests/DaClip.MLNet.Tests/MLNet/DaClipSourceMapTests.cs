using DaClip.MLNet.Imaging;
using DaClip.MLNet.Scoring;
using DaClip.MLNet.Tests.Infrastructure;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.MLNet;

/// <summary>
/// <see cref="DaClipScoringOptions.MapSize"/> = <see cref="AnomalyMapSize.Source"/>: the map column becomes a
/// variable-length vector holding each image's map at its own width x height (the S x S map resized by
/// <see cref="AnomalyMapResampler"/>, itself checked against PyTorch in AnomalyMapResamplerTests), for path, bytes and
/// image columns, in <c>Transform</c>, <c>ScoreBatch</c> / <c>ScoreStream</c> and after a save / load.
/// </summary>
[TestClass]
public sealed class DaClipSourceMapTests
{
    private static ScoringFixture _f = null!;

    [ClassInitialize]
    public static void Setup(TestContext _) => _f = new ScoringFixture("mlnet-source-map", 6, seed: 21);

    [ClassCleanup]
    public static void Cleanup() => _f.Dispose();

    private static IReadOnlyList<(int Width, int Height)> Sizes() =>
        _f.Images.Select(i => ImageDecoder.Decode(i.Path)).Select(d => (d.Width, d.Height)).ToList();

    [TestMethod]
    [DataRow("Stretch")]
    [DataRow("Pad")]
    public void Path_column_maps_at_each_images_size_equal_the_resized_model_maps(string fitName)
    {
        var fit = Enum.Parse<ImageFit>(fitName);
        var ml = new MLContext(seed: 1);
        var data = MLNetTestData.Rows(ml, _f.Images);
        var onnx = ContractModel.Build(_f.Threshold, fit: fitName);
        using var square = ml.Transforms.ApplyDaClipModel(onnx).Fit(data);
        using var source = ml.Transforms.ApplyDaClipModel(onnx, new DaClipScoringOptions { MapSize = AnomalyMapSize.Source }).Fit(data);
        Assert.AreEqual(AnomalyMapSize.Source, source.MapSize);
        Assert.AreEqual(AnomalyMapSize.Model, square.MapSize);

        var scored = source.Transform(data);
        var type = (VectorDataViewType)scored.Schema["AnomalyMap"].Type;
        Assert.AreEqual(NumberDataViewType.Single, type.ItemType);
        Assert.IsFalse(type.IsKnownSize, "a variable-length vector");
        CollectionAssert.AreEqual(MLNetTestData.Scores(square.Transform(data)), MLNetTestData.Scores(scored), "scores do not depend on the map size");

        var squareMaps = MLNetTestData.Maps(square.Transform(data));
        var sourceMaps = MLNetTestData.Maps(scored);
        var batch = source.ScoreBatch(data, batchSize: 4);
        var sizes = Sizes();
        Assert.IsGreaterThan(1, sizes.Distinct().Count(), "images of several sizes");
        for (int i = 0; i < sizes.Count; i++)
        {
            var (w, h) = sizes[i];
            Assert.AreEqual(w * h, sourceMaps[i].Length, $"row {i}: {w} x {h}");
            var expected = AnomalyMapResampler.ToSource(squareMaps[i], ContractModel.Size, w, h, fit);
            Tolerance.AssertClose(sourceMaps[i], expected, 1e-6, 1e-6, $"map {i}");
            Assert.AreEqual((w, h), (batch[i].MapWidth, batch[i].MapHeight), $"ScoreBatch map size {i}");
            Assert.AreEqual(ContractModel.Size, batch[i].ImageSize);
            Tolerance.AssertClose(batch[i].AnomalyMap, expected, 1e-6, 1e-6, $"ScoreBatch map {i}");
        }

        var zip = _f.File($"source-{fitName}.zip");
        ml.Model.Save(source, data.Schema, zip);
        using var loaded = DaClipTransformer.Load(ml, zip);
        Assert.AreEqual(AnomalyMapSize.Source, loaded.MapSize);
        var reloaded = MLNetTestData.Maps(loaded.Transform(data));
        for (int i = 0; i < sizes.Count; i++) CollectionAssert.AreEqual(sourceMaps[i], reloaded[i], $"loaded map {i}");
    }

    [TestMethod]
    public void Bytes_and_image_columns_give_the_same_source_maps_as_paths()
    {
        var ml = new MLContext(seed: 1);
        var data = MLNetTestData.Rows(ml, _f.Images);
        var options = new DaClipScoringOptions { MapSize = AnomalyMapSize.Source };
        using var byPath = ml.Transforms.ApplyDaClipModel(_f.ModelPath, options).Fit(data);
        var expected = MLNetTestData.Maps(byPath.Transform(data));

        using var bytes = ml.Transforms.LoadRawImageBytes("Bytes", null, "Image")
            .Append(ml.Transforms.ApplyDaClipModel(_f.ModelPath, new DaClipScoringOptions { ImageColumnName = "Bytes", MapSize = AnomalyMapSize.Source })).Fit(data);
        using var images = ml.Transforms.LoadImages("Picture", null, "Image")
            .Append(ml.Transforms.ApplyDaClipModel(_f.ModelPath, new DaClipScoringOptions { ImageColumnName = "Picture", MapSize = AnomalyMapSize.Source })).Fit(data);
        var bytesMaps = MLNetTestData.Maps(bytes.Transform(data));
        var imageMaps = MLNetTestData.Maps(images.Transform(data));
        var streamed = images.LastTransformer.ScoreStream(images.Transform(data), batchSize: 2).ToList();
        for (int i = 0; i < expected.Length; i++)
        {
            CollectionAssert.AreEqual(expected[i], bytesMaps[i], $"bytes {i}");
            CollectionAssert.AreEqual(expected[i], imageMaps[i], $"image {i}");
            CollectionAssert.AreEqual(expected[i], streamed[i].AnomalyMap, $"ScoreStream {i}");
        }
    }

    [TestMethod]
    public void ScoreStream_reads_rows_lazily_reports_progress_and_equals_ScoreBatch()
    {
        var ml = new MLContext(seed: 1);
        var data = MLNetTestData.Rows(ml, _f.Images);
        using var model = ml.Transforms.ApplyDaClipModel(_f.ModelPath).Fit(data);
        var batch = model.ScoreBatch(data, batchSize: 1);
        var reports = new List<int>();
        var streamed = new List<DaClipPrediction>();
        foreach (var p in model.ScoreStream(data, batchSize: 1, new Reports(reports)))
        {
            streamed.Add(p);
            Assert.IsLessThanOrEqualTo(streamed.Count + DaClipScorerOptions.DefaultConcurrentBatches - 1, reports.LastOrDefault(), "scored ahead by at most one group");
        }
        CollectionAssert.AreEqual(batch.Select(p => p.Score).ToArray(), streamed.Select(p => p.Score).ToArray());
        CollectionAssert.AreEqual(batch.Select(p => p.Source).ToArray(), streamed.Select(p => p.Source).ToArray());
        int g = DaClipScorerOptions.DefaultConcurrentBatches;
        CollectionAssert.AreEqual(Enumerable.Range(1, _f.Images.Count / g).Select(k => k * g).ToArray(), reports.ToArray());
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsExactly<OperationCanceledException>(() => model.ScoreStream(data, cancellation: cts.Token).ToList());
    }

    private sealed class Reports(List<int> list) : IProgress<int>
    {
        public void Report(int value) => list.Add(value);
    }
}
