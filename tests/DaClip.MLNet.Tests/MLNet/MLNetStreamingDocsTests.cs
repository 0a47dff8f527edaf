using DaClip.MLNet.Imaging;
using DaClip.MLNet.Scoring;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.MLNet;

/// <summary>Runs the streaming and source-size map blocks of docs/mlnet.md (regions checked by <see cref="MLNetDocsTests"/>).</summary>
[TestClass]
public sealed class MLNetStreamingDocsTests
{
    private static ScoringFixture _f = null!;

    [ClassInitialize]
    public static void Setup(TestContext _) => _f = new ScoringFixture("mlnet-stream-docs", 5, seed: 72);

    [ClassCleanup]
    public static void Cleanup() => _f.Dispose();

    [TestMethod]
    public void StreamingAndSourceMapRecipes_Run()
    {
        var mlContext = new MLContext(seed: 1);
        string modelPath = _f.ModelPath;
        IDataView data = mlContext.Data.LoadFromEnumerable(_f.Images.Select(i => new MLNetDocsTests.DocRow { ImagePath = i.Path }));
        using DaClipTransformer model = mlContext.Transforms.ApplyDaClipModel(modelPath, imageColumnName: "ImagePath").Fit(data);
        var written = new List<float>();
        void Save(DaClipPrediction p) => written.Add(p.Score);

        // doc:begin stream
        var progress = new Progress<int>(done => Console.WriteLine($"{done} images scored"));
        foreach (DaClipPrediction p in model.ScoreStream(data, batchSize: 16, progress, CancellationToken.None))
            Save(p); // only the group being scored is held in memory
        // doc:end

        // doc:begin sourcemaps
        var options = new DaClipScoringOptions { ImageColumnName = "ImagePath", MapSize = AnomalyMapSize.Source };
        using DaClipTransformer sourceModel = mlContext.Transforms.ApplyDaClipModel(modelPath, options).Fit(data);
        IDataView scored = sourceModel.Transform(data);
        float[][] maps = scored.GetColumn<float[]>("AnomalyMap").ToArray(); // row i: width_i x height_i, row-major
        DaClipPrediction first = sourceModel.ScoreBatch(data)[0];            // first.MapWidth x first.MapHeight
        // doc:end

        CollectionAssert.AreEqual(model.ScoreBatch(data).Select(p => p.Score).ToArray(), written.ToArray());
        var image = ImageDecoder.Decode(_f.Images[0].Path);
        Assert.AreEqual((image.Width, image.Height), (first.MapWidth, first.MapHeight));
        Assert.AreEqual(image.Width * image.Height, maps[0].Length);
        Assert.IsFalse(((VectorDataViewType)scored.Schema["AnomalyMap"].Type).IsKnownSize);
    }
}
