using System.Text.RegularExpressions;
using DaClip.MLNet.Scoring;
using DaClip.MLNet.Tests.Infrastructure;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.MLNet;

/// <summary>
/// Runs the code of docs/mlnet.md: every C# block of the page is one of the regions between "doc:begin" and "doc:end"
/// in the *DocsTests.cs files of this folder (same text), so the documented code compiles and works.
/// </summary>
[TestClass]
public class MLNetDocsTests
{

    private static ScoringFixture _f = null!;

    [ClassInitialize]
    public static void Setup(TestContext _) => _f = new ScoringFixture("mlnet-docs", 8, seed: 71, classes: ["bottle", "carpet"]);

    [ClassCleanup]
    public static void Cleanup() => _f.Dispose();

    public sealed class DocRow
    {
        public string ImagePath { get; set; } = "";

        public bool Label { get; set; }

        public string MaskPath { get; set; } = "";

        public string Class { get; set; } = "";
    }

    [TestMethod]
    public void ScoringEvaluationThresholdAndSaveRecipes_Run()
    {
        string modelPath = _f.ModelPath;
        string zipPath = _f.File("daclip-model.zip");
        var rows = _f.Images.Select(i => new DocRow { ImagePath = i.Path, Label = i.Anomalous, MaskPath = i.MaskPath, Class = i.Class }).ToList();
        var mlContext = new MLContext();
        IDataView data = mlContext.Data.LoadFromEnumerable(rows);
        IDataView normalImages = mlContext.Data.LoadFromEnumerable(rows.Where(r => !r.Label));
        IDataView validation = data;

        // doc:begin score
        var estimator = mlContext.Transforms.ApplyDaClipModel(modelPath, imageColumnName: "ImagePath");
        using DaClipTransformer model = estimator.Fit(data);
        IDataView scored = model.Transform(data);
        float[] scores = scored.GetColumn<float>("Score").ToArray();
        // doc:end

        // doc:begin pipeline
        var pipeline = mlContext.Transforms.LoadImages("Picture", imageFolder: null, inputColumnName: "ImagePath")
            .Append(mlContext.Transforms.ApplyDaClipModel(modelPath, imageColumnName: "Picture"));
        using var pictureModel = pipeline.Fit(data);
        IDataView pictureScores = pictureModel.Transform(data);
        // doc:end

        // doc:begin evaluate
        var withSingleLabel = mlContext.Transforms.Conversion.ConvertType("LabelSingle", "Label", DataKind.Single)
            .Fit(scored).Transform(scored);
        var imageMetrics = mlContext.AnomalyDetection.Evaluate(withSingleLabel,
            labelColumnName: "LabelSingle", scoreColumnName: "Score", predictedLabelColumnName: "PredictedLabel");
        var binaryMetrics = mlContext.BinaryClassification.EvaluateNonCalibrated(scored,
            labelColumnName: "Label", scoreColumnName: "ScoreCentered", predictedLabelColumnName: "PredictedLabel");
        var segmentation = mlContext.AnomalyDetection.EvaluateSegmentation(scored,
            labelColumnName: "Label", maskColumnName: "MaskPath", classColumnName: "Class");
        Console.WriteLine($"image AUROC {imageMetrics.AreaUnderRocCurve:F4}, F1 {binaryMetrics.F1Score:F4}, " +
            $"pixel AUROC {segmentation.Mean.PixelAuroc:F4}, PRO {segmentation.Mean.PixelAuproExact:F4}");
        // doc:end

        // doc:begin threshold
        using DaClipTransformer strict = model.CalibrateThreshold(normalImages, maxFalsePositiveRate: 0.05);
        using DaClipTransformer balanced = model.CalibrateThresholdF1(validation, labelColumnName: "Label");
        using DaClipTransformer manual = model.WithThreshold(0.62f);
        strict.Save(zipPath, data.Schema);
        // doc:end

        // doc:begin save
        mlContext.Model.Save(pictureModel, data.Schema, zipPath);

        var serving = new MLContext();
        ITransformer loaded = serving.Model.Load(zipPath, out DataViewSchema inputSchema);
        IDataView rescored = loaded.Transform(data);
        using DaClipTransformer stage = DaClipTransformer.FromChain(serving, loaded);
        // doc:end

        // doc:begin batch
        IReadOnlyList<DaClipPrediction> predictions = model.ScoreBatch(data, batchSize: 16);
        float[] map = predictions[0].AnomalyMap; // S x S, row-major: pixel (x, y) at y * S + x
        // doc:end

        Assert.AreEqual(imageMetrics.AreaUnderRocCurve, binaryMetrics.AreaUnderRocCurve, 1e-12);
        Assert.AreEqual(2, segmentation.PerClass.Count);
        Assert.AreEqual(DaClipThresholds.ForFalsePositiveRate(scores.Where((_, i) => !rows[i].Label).ToArray(), 0.05), strict.Threshold);
        Assert.AreEqual(0.62f, manual.Threshold);
        Assert.AreEqual(balanced.Threshold, DaClipThresholds.MaxF1(scores, rows.Select(r => r.Label).ToArray()).Threshold);
        CollectionAssert.AreEqual(scores, rescored.GetColumn<float>("Score").ToArray());
        CollectionAssert.AreEqual(scores, predictions.Select(p => p.Score).ToArray());
        Assert.AreEqual(ContractModel.Size * ContractModel.Size, map.Length);
        Assert.AreEqual("Picture", stage.ImageColumnName);
        CollectionAssert.AreEqual(scores, pictureScores.GetColumn<float>("Score").ToArray());
        (loaded as IDisposable)?.Dispose();
    }

    [TestMethod]
    public void EveryCodeBlockOfTheDocs_IsARegionOfThisFile()
    {
        var root = RepositoryRoot();
        var doc = File.ReadAllText(Path.Combine(root, "docs", "mlnet.md"));
        var source = string.Concat(Directory.GetFiles(Path.Combine(root, "tests", "DaClip.MLNet.Tests", "MLNet"), "*DocsTests.cs").Order().Select(File.ReadAllText));
        var blocks = Regex.Matches(doc, "```csharp\n(.*?)```", RegexOptions.Singleline).Select(m => Normalise(m.Groups[1].Value)).ToList();
        var regions = Regex.Matches(source, @"// doc:begin \w+\n(.*?)\n\s*// doc:end", RegexOptions.Singleline).Select(m => Normalise(m.Groups[1].Value)).ToList();
        Assert.IsTrue(blocks.Count >= 5, "docs/mlnet.md has its code blocks");
        foreach (var block in blocks) CollectionAssert.Contains(regions, block, $"docs/mlnet.md block not found in the doc tests:\n{block}");
    }

    private static string Normalise(string code)
    {
        var lines = code.Replace("\r", "").Split('\n').Select(l => l.TrimEnd()).ToList();
        while (lines.Count > 0 && lines[^1].Length == 0) lines.RemoveAt(lines.Count - 1);
        int indent = lines.Where(l => l.Length > 0).Select(l => l.Length - l.TrimStart().Length).DefaultIfEmpty(0).Min();
        return string.Join('\n', lines.Select(l => l.Length >= indent ? l[indent..] : l));
    }

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "docs", "mlnet.md"))) return dir.FullName;
        throw new AssertFailedException("docs/mlnet.md not found above the test assembly.");
    }
}
