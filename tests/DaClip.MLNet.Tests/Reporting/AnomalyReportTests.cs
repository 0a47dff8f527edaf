using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using DaClip.MLNet.Imaging;
using DaClip.MLNet.Metrics;
using DaClip.MLNet.Reporting;
using DaClip.MLNet.Tests.Infrastructure;
using DaClip.MLNet.Training.Synthetic;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Reporting;

/// <summary>
/// <see cref="AnomalyReport"/> and <see cref="AnomalyReportBuilder"/> on synthetic defect images: folder structure,
/// table values in the HTML, links that resolve, report.json and metrics.csv against the evaluation, the chosen worst
/// cases, determinism, atomic replacement and refusal to replace unrelated folders.
/// </summary>
[TestClass]
public sealed partial class AnomalyReportTests
{
    private static readonly SyntheticCategory[] Categories = [SyntheticCategory.Nut, SyntheticCategory.Carpet];
    private const int WorstCases = 3;

    [TestMethod]
    public void WritesTheFolderStructure()
    {
        using var dir = new TempDir("report");
        var input = BuildInput(dir.Path);
        var folder = dir.File("report");
        AnomalyReport.Write(folder, input);

        foreach (var file in (string[])["index.html", "report.json", "metrics.csv", "images/colorbar.png", "curves/image-roc.png", "curves/pixel-roc.png", "curves/pro.png"])
            Assert.IsTrue(File.Exists(Path.Combine(folder, file)), file);
        // Per class: 3 charts, WorstCases false positives and false negatives (each class has 4 normal and 5 anomalous images).
        Assert.HasCount(3 + 3 * Categories.Length, Directory.GetFiles(Path.Combine(folder, "curves")));
        Assert.HasCount(1 + 2 * WorstCases * Categories.Length, Directory.GetFiles(Path.Combine(folder, "images")));
        foreach (var png in Directory.GetFiles(folder, "*.png", SearchOption.AllDirectories))
            Assert.IsGreaterThan(0, ImageDecoder.Decode(png).Width, png);
        Assert.IsEmpty(Directory.GetDirectories(dir.Path, ".report*"), "no staging folder is left behind");
    }

    [TestMethod]
    public void HtmlShowsTheTableValuesAndItsLinksResolve()
    {
        using var dir = new TempDir("report");
        var input = BuildInput(dir.Path) with { Model = "daclip-test.onnx", Backbone = "ViT-B/16", ProConvention = ProConvention.AnomalyClip };
        var folder = dir.File("report");
        AnomalyReport.Write(folder, input);
        var html = File.ReadAllText(Path.Combine(folder, "index.html"));

        Assert.Contains("daclip-test.onnx", html);
        Assert.Contains("ViT-B/16", html);
        Assert.Contains("PRO (AnomalyCLIP, FPR &le; 0.3)", html);
        var evaluation = input.Evaluation;
        for (int k = 0; k < evaluation.PerClass.Count; k++)
        {
            var c = evaluation.PerClass[k];
            var row = $"<tr><td><a href=\"#c{k + 1:D2}-{c.ClassName}\">{c.ClassName}</a></td><td>{c.ImageCount}</td><td>{c.AnomalousImageCount}</td>" + Cells(c.Metrics, ProConvention.AnomalyClip);
            Assert.Contains(row, html, $"row of {c.ClassName}");
        }
        var total = evaluation.PerClass.Sum(c => c.ImageCount);
        var anomalous = evaluation.PerClass.Sum(c => c.AnomalousImageCount);
        Assert.Contains($"<tr><td>Mean</td><td>{total}</td><td>{anomalous}</td>" + Cells(evaluation.Mean, ProConvention.AnomalyClip), html);

        Assert.DoesNotContain("http://", html);
        Assert.DoesNotContain("https://", html);
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("<link", html);
        var ids = IdPattern().Matches(html).Select(m => m.Groups[1].Value).ToHashSet();
        int files = 0;
        foreach (Match m in LinkPattern().Matches(html))
        {
            var target = m.Groups[2].Value;
            if (target.StartsWith('#'))
            {
                Assert.Contains(target[1..], ids, $"anchor {target}");
                continue;
            }
            Assert.IsFalse(Path.IsPathRooted(target) || target.Contains(':'), $"link {target} is not relative");
            Assert.IsTrue(File.Exists(Path.Combine(folder, Uri.UnescapeDataString(target))), $"link {target} resolves");
            files++;
        }
        Assert.IsGreaterThan(2 * (1 + 3 + 3 * Categories.Length + 2 * WorstCases * Categories.Length) - 1, files);
    }

    [TestMethod]
    public void JsonAndCsvHoldTheEvaluation()
    {
        using var dir = new TempDir("report");
        var input = BuildInput(dir.Path) with
        {
            RunInfo = [new("Dataset", "synthetic \"nut\", carpet")],
            CreatedAt = new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero),
            ImageThresholds = new Dictionary<string, float> { ["nut"] = 0.5f },
        };
        var folder = dir.File("report");
        AnomalyReport.Write(folder, input);

        using var json = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folder, "report.json")));
        var root = json.RootElement;
        Assert.AreEqual("daclip-anomaly-report", root.GetProperty("format").GetString());
        Assert.AreEqual(input.Title, root.GetProperty("title").GetString());
        Assert.AreEqual("synthetic \"nut\", carpet", root.GetProperty("runInfo")[0].GetProperty("value").GetString());
        Assert.AreEqual(0.3, root.GetProperty("fprLimit").GetDouble());
        AssertMetrics(input.Evaluation.Mean, root.GetProperty("mean"));
        var classes = root.GetProperty("classes");
        Assert.AreEqual(input.Evaluation.PerClass.Count, classes.GetArrayLength());
        for (int k = 0; k < classes.GetArrayLength(); k++)
        {
            var expected = input.Evaluation.PerClass[k];
            var actual = classes[k];
            Assert.AreEqual(expected.ClassName, actual.GetProperty("name").GetString());
            Assert.AreEqual(expected.ImageCount, actual.GetProperty("imageCount").GetInt32());
            Assert.AreEqual(expected.RegionCount, actual.GetProperty("regionCount").GetInt32());
            Assert.AreEqual(expected.NormalPixelCount, actual.GetProperty("normalPixelCount").GetInt64());
            AssertMetrics(expected.Metrics, actual.GetProperty("metrics"));
            var curves = input.Curves.Single(c => c.ClassName == expected.ClassName);
            Assert.AreEqual(curves.PixelF1Threshold, actual.GetProperty("pixelThreshold").GetSingle());
            if (expected.ClassName == "nut")
            {
                Assert.AreEqual(0.5f, actual.GetProperty("imageThreshold").GetSingle());
                Assert.AreEqual("given", actual.GetProperty("imageThresholdSource").GetString());
            }
            else
            {
                Assert.AreEqual(curves.ImageF1Threshold, actual.GetProperty("imageThreshold").GetSingle());
            }
            foreach (var kind in (string[])["worstFalsePositives", "worstFalseNegatives"])
            {
                var cases = actual.GetProperty(kind);
                Assert.AreEqual(WorstCases, cases.GetArrayLength());
                foreach (var c in cases.EnumerateArray())
                {
                    Assert.IsTrue(File.Exists(Path.Combine(folder, c.GetProperty("overlay").GetString()!)));
                    Assert.AreEqual(input.Images[c.GetProperty("index").GetInt32()].Score, c.GetProperty("score").GetSingle());
                }
            }
        }

        var lines = File.ReadAllLines(Path.Combine(folder, "metrics.csv"));
        Assert.HasCount(2 + input.Evaluation.PerClass.Count, lines);
        var header = lines[0].Split(',');
        Assert.AreEqual("pixel_aupro_anomalib", header[^1]);
        for (int k = 0; k <= input.Evaluation.PerClass.Count; k++)
        {
            var fields = lines[1 + k].Split(',');
            bool mean = k == input.Evaluation.PerClass.Count;
            Assert.AreEqual(mean ? "mean" : "class", fields[0]);
            var m = mean ? input.Evaluation.Mean : input.Evaluation.PerClass[k].Metrics;
            double[] expected = [m.ImageAuroc, m.ImageAveragePrecision, m.ImageF1Max, m.PixelAuroc, m.PixelAveragePrecision, m.PixelF1Max, m.PixelAuproExact, m.PixelAuproAnomalyClip, m.PixelAuproAnomalib];
            for (int i = 0; i < expected.Length; i++)
                Assert.AreEqual(expected[i], double.Parse(fields[7 + i], CultureInfo.InvariantCulture), $"{header[7 + i]} of row {k}");
        }
    }

    [TestMethod]
    public void ShowsTheHighestScoringNormalAndLowestScoringAnomalousImages()
    {
        using var dir = new TempDir("report");
        var full = ReportTestData.Create(dir.Path, Categories);
        var input = BuildInput(dir.Path, full);
        var folder = dir.File("report");
        AnomalyReport.Write(folder, input);
        using var json = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folder, "report.json")));
        foreach (var c in json.RootElement.GetProperty("classes").EnumerateArray())
        {
            var name = c.GetProperty("name").GetString();
            var normal = full.Select((image, i) => (image, i)).Where(t => t.image.ClassName == name && !t.image.IsAnomalous)
                .OrderByDescending(t => t.image.Score).ThenBy(t => t.i).Take(WorstCases).Select(t => t.i);
            var missed = full.Select((image, i) => (image, i)).Where(t => t.image.ClassName == name && t.image.IsAnomalous)
                .OrderBy(t => t.image.Score).ThenBy(t => t.i).Take(WorstCases).Select(t => t.i);
            CollectionAssert.AreEqual(normal.ToArray(), c.GetProperty("worstFalsePositives").EnumerateArray().Select(e => e.GetProperty("index").GetInt32()).ToArray());
            CollectionAssert.AreEqual(missed.ToArray(), c.GetProperty("worstFalseNegatives").EnumerateArray().Select(e => e.GetProperty("index").GetInt32()).ToArray());
        }
        // The builder keeps the maps of exactly the shown images.
        int kept = input.Images.Count(i => i.AnomalyMap is not null);
        Assert.AreEqual(2 * WorstCases * Categories.Length, kept);
    }

    [TestMethod]
    public void SameInputGivesTheSameBytes()
    {
        using var dir = new TempDir("report");
        var input = BuildInput(dir.Path);
        AnomalyReport.Write(dir.File("a"), input);
        AnomalyReport.Write(dir.File("b"), input);
        var files = Directory.GetFiles(dir.File("a"), "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(dir.File("a"), f)).Order().ToList();
        CollectionAssert.AreEqual(files, Directory.GetFiles(dir.File("b"), "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(dir.File("b"), f)).Order().ToList());
        foreach (var f in files)
            CollectionAssert.AreEqual(File.ReadAllBytes(Path.Combine(dir.File("a"), f)), File.ReadAllBytes(Path.Combine(dir.File("b"), f)), f);
    }

    [TestMethod]
    public void ReplacesAReportOnlyWithACompleteOne()
    {
        using var dir = new TempDir("report");
        var input = BuildInput(dir.Path);
        var folder = dir.File("report");
        AnomalyReport.Write(folder, input with { Title = "First run" });
        var before = File.ReadAllBytes(Path.Combine(folder, "index.html"));
        var beforeFiles = Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Order().ToArray();

        // A shown image whose file has gone: the second report fails while rendering its overlays.
        int shown = input.Images.ToList().FindIndex(i => i.AnomalyMap is not null);
        var images = input.Images.ToArray();
        images[shown] = images[shown] with { ImagePath = dir.File("missing.png") };
        Assert.ThrowsExactly<ImageInputException>(() => AnomalyReport.Write(folder, input with { Title = "Broken run", Images = images }));
        CollectionAssert.AreEqual(before, File.ReadAllBytes(Path.Combine(folder, "index.html")));
        CollectionAssert.AreEqual(beforeFiles, Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Order().ToArray());
        Assert.IsEmpty(Directory.GetDirectories(dir.Path, ".report*"));

        // A complete one replaces it whole: nothing of the first remains.
        File.WriteAllText(Path.Combine(folder, "images", "stale.png"), "left over");
        AnomalyReport.Write(folder, input with { Title = "Second run", WorstCasesPerClass = 1 });
        var html = File.ReadAllText(Path.Combine(folder, "index.html"));
        Assert.Contains("Second run", html);
        Assert.DoesNotContain("First run", html);
        Assert.IsFalse(File.Exists(Path.Combine(folder, "images", "stale.png")));
        Assert.HasCount(1 + 2 * Categories.Length, Directory.GetFiles(Path.Combine(folder, "images")));
        Assert.IsEmpty(Directory.GetDirectories(dir.Path, ".report*"));
    }

    [TestMethod]
    public void RefusesToReplaceAFolderThatIsNotAReport()
    {
        using var dir = new TempDir("report");
        var input = BuildInput(dir.Path);
        var folder = dir.File("photos");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "holiday.jpg"), "precious");
        var e = Assert.ThrowsExactly<DaClipException>(() => AnomalyReport.Write(folder, input));
        Assert.Contains("not a DaClip anomaly report", e.Message);
        Assert.AreEqual("precious", File.ReadAllText(Path.Combine(folder, "holiday.jpg")));

        var empty = dir.File("empty");
        Directory.CreateDirectory(empty);
        AnomalyReport.Write(empty, input);
        Assert.IsTrue(File.Exists(Path.Combine(empty, "index.html")));
    }

    [TestMethod]
    public void RejectsInputsThatDoNotMatchTheEvaluation()
    {
        using var dir = new TempDir("report");
        var input = BuildInput(dir.Path);
        var e = Assert.ThrowsExactly<DaClipException>(() => AnomalyReport.Write(dir.File("r"), input with { Images = input.Images.Skip(1).ToArray() }));
        Assert.Contains("pass every evaluated image", e.Message);
        var renamed = input.Images.Select((i, k) => k == 0 ? i with { ClassName = "bolt" } : i).ToArray();
        e = Assert.ThrowsExactly<DaClipException>(() => AnomalyReport.Write(dir.File("r"), input with { Images = renamed }));
        Assert.Contains("'bolt'", e.Message);
        var stripped = input.Images.Select(i => i with { AnomalyMap = null }).ToArray();
        e = Assert.ThrowsExactly<DaClipException>(() => AnomalyReport.Write(dir.File("r"), input with { Images = stripped }));
        Assert.Contains("has no AnomalyMap", e.Message);
        Assert.IsFalse(Directory.Exists(dir.File("r")));
    }

    /// <summary>A report input built through <see cref="AnomalyReportBuilder"/> from synthetic images under <paramref name="folder"/>.</summary>
    internal static AnomalyReportInput BuildInput(string folder, IReadOnlyList<AnomalyReportImage>? images = null, int worstCases = WorstCases)
    {
        images ??= ReportTestData.Create(folder, Categories);
        var builder = new AnomalyReportBuilder(worstCasesPerClass: worstCases);
        foreach (var image in images) builder.Add(image);
        return builder.Build("Synthetic defects, test report") with { Model = "test model", Backbone = "none" };
    }

    private static string Cells(SegmentationMetrics m, ProConvention convention) =>
        string.Concat(((double[])[m.ImageAuroc, m.ImageAveragePrecision, m.ImageF1Max, m.PixelAuroc, m.PixelAveragePrecision, m.PixelF1Max, m.GetPixelAupro(convention)])
            .Select(v => "<td>" + (double.IsNaN(v) ? "n/a" : (100 * v).ToString("F1", CultureInfo.InvariantCulture)) + "</td>"));

    private static void AssertMetrics(SegmentationMetrics expected, JsonElement actual)
    {
        void Check(string name, double value)
        {
            var element = actual.GetProperty(name);
            if (double.IsNaN(value)) Assert.AreEqual(JsonValueKind.Null, element.ValueKind, name);
            else Assert.AreEqual(value, element.GetDouble(), name);
        }
        Check("imageAuroc", expected.ImageAuroc);
        Check("imageAveragePrecision", expected.ImageAveragePrecision);
        Check("imageF1Max", expected.ImageF1Max);
        Check("pixelAuroc", expected.PixelAuroc);
        Check("pixelAveragePrecision", expected.PixelAveragePrecision);
        Check("pixelF1Max", expected.PixelF1Max);
        Check("pixelAuproExact", expected.PixelAuproExact);
        Check("pixelAuproAnomalyClip", expected.PixelAuproAnomalyClip);
        Check("pixelAuproAnomalib", expected.PixelAuproAnomalib);
    }

    [GeneratedRegex("(src|href)=\"([^\"]*)\"")]
    private static partial Regex LinkPattern();

    [GeneratedRegex("id=\"([^\"]*)\"")]
    private static partial Regex IdPattern();
}
