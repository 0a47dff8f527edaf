using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using DaClip.MLNet;
using DaClip.MLNet.Data;
using DaClip.MLNet.Imaging;
using DaClip.MLNet.IO;
using DaClip.MLNet.Metrics;
using DaClip.MLNet.Reporting;
using DaClip.MLNet.Scoring;
using Microsoft.ML;

namespace DaClip.Cli.Common;

/// <summary>What <see cref="EvaluationRun"/> scores and how it evaluates.</summary>
internal sealed record EvaluationSettings
{
    public required DatasetSpec Data { get; init; }
    public IReadOnlyList<string>? Classes { get; init; }
    /// <summary>The saved model; null when <see cref="ZeroShot"/> is set.</summary>
    public string? ModelPath { get; init; }
    /// <summary>The training-free baseline to score with instead of a saved model.</summary>
    public ZeroShotSettings? ZeroShot { get; init; }
    public string? ReportFolder { get; init; }
    public SegmentationEvaluationMode Mode { get; init; } = SegmentationEvaluationMode.Exact;
    public ProConvention Pro { get; init; } = ProConvention.Exact;
    public int BatchSize { get; init; } = 8;
    public string Device { get; init; } = "cpu";
    public string? ReportTitle { get; init; }
    public bool AllowMissingMasks { get; init; }
}

/// <summary>The machine-readable result of an evaluation: the run, the rows of <see cref="MetricsRow"/> and the files written.</summary>
internal sealed record EvaluationSummary
{
    public required string Model { get; init; }
    public required string Backbone { get; init; }
    public required string Data { get; init; }
    public string Split { get; init; } = "test";
    public required int Images { get; init; }
    public required int ImageSize { get; init; }
    public required float Threshold { get; init; }
    public required string Mode { get; init; }
    public required double FprLimit { get; init; }
    public required string ProConvention { get; init; }
    public required IReadOnlyList<MetricsRow> PerClass { get; init; }
    public required MetricsRow Mean { get; init; }
    public required string Csv { get; init; }
    public required string Json { get; init; }
    public string? Report { get; init; }
    public required double Seconds { get; init; }
}

/// <summary>
/// Evaluates a saved model as <c>daclip test</c> and <c>daclip demo</c> do: reads the test split, scores every image in
/// batches (<see cref="DaClipTransformer.ScoreBatch"/>), evaluates with <see cref="SegmentationEvaluator"/> (through
/// <see cref="AnomalyReportBuilder"/> when a report is wanted) with the masks at the model's S x S, and writes the metrics
/// as CSV and JSON (in the report folder, else beside the model as &lt;stem&gt;.test-metrics.*) and the HTML report.
/// </summary>
internal static class EvaluationRun
{
    /// <summary>File names of the metrics in a report folder.</summary>
    public const string CsvName = "test-metrics.csv", JsonName = "test-metrics.json";

    public static (EvaluationSummary Summary, SegmentationEvaluationResult Result) Run(EvaluationSettings s, TextWriter error, bool json, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        // The training-free baseline has no file: its metrics go to ./zero-shot.test-metrics.* without --report.
        var modelPath = Path.GetFullPath(s.ZeroShot is null ? s.ModelPath! : "zero-shot.zip");
        if (s.ZeroShot is null && !File.Exists(modelPath))
            throw new CliUsageException($"--model {s.ModelPath}: no such file ({modelPath}). Give a model zip written by `daclip train` (or DaClipTransformer.Save).");
        var report = s.ReportFolder is null ? null : Path.GetFullPath(s.ReportFolder);
        if (report is not null) CheckReportFolder(report);

        var ml = new MLContext { GpuDeviceId = CliOptions.GpuOrdinal(s.Device), FallbackToCpu = false };
        using var model = s.ZeroShot is { } zeroShot ? ZeroShotModel.Create(ml, zeroShot, error, json) : DaClipTransformer.Load(ml, modelPath);
        string modelName = s.ZeroShot?.Name ?? Path.GetFileName(modelPath);
        var dataset = DatasetInput.ReadTestSplit(s.Data, s.Classes, s.AllowMissingMasks);
        if (!json) error.WriteLine($"Scoring {dataset.Samples.Count} images of {s.Data} ({dataset.AnomalousCount} anomalous) at S = {model.ImageSize}.");

        var metricsOptions = new SegmentationEvaluatorOptions { Mode = s.Mode };
        var builder = report is null ? null : new AnomalyReportBuilder(metricsOptions, fit: model.Fit);
        var evaluator = report is null ? new SegmentationEvaluator(metricsOptions) : null;
        var paths = dataset.Samples.Select(x => x.ImagePath).ToList();
        var bar = ConsoleProgressBar.CreateIfWanted("scoring", error, json);
        foreach (var (index, p) in ChunkedScoring.Score(ml, model, paths, s.BatchSize, bar, cancellation))
        {
            var sample = dataset.Samples[index];
            if (builder is not null)
            {
                builder.Add(new AnomalyReportImage
                {
                    ClassName = sample.Class,
                    IsAnomalous = sample.Label,
                    Score = p.Score,
                    PredictedAnomalous = p.PredictedLabel,
                    ImagePath = sample.ImagePath,
                    MaskPath = sample.MaskPath,
                    AnomalyMap = p.AnomalyMap,
                });
            }
            else
            {
                var mask = sample.MaskPath is { } maskPath ? MaskLoader.Load(maskPath, p.ImageSize, model.Fit) : [];
                evaluator!.Add(sample.Class, sample.Label, p.Score, p.AnomalyMap, mask, p.ImageSize, p.ImageSize);
            }
        }

        string backbone = model.ModelMetadata.TryGetValue(DaClipModelMetadata.Backbone, out var b) ? b : "unknown";
        SegmentationEvaluationResult result;
        if (builder is not null)
        {
            var input = builder.Build(s.ReportTitle ?? $"DA-CLIP on {s.Data}") with
            {
                Model = modelName,
                Backbone = backbone,
                RunInfo =
                [
                    new("Data", new DatasetSpec(s.Data.Kind, dataset.Root).ToString()),
                    new("Images", dataset.Samples.Count.ToString(CultureInfo.InvariantCulture)),
                    new("Model input", $"{model.ImageSize} x {model.ImageSize} ({model.Fit})"),
                    new("Model threshold", model.Threshold.ToString("R", CultureInfo.InvariantCulture)),
                ],
                CreatedAt = DateTimeOffset.UtcNow,
                ImageThresholds = dataset.Classes.ToDictionary(c => c, _ => model.Threshold),
                ProConvention = s.Pro,
            };
            if (!json) error.WriteLine($"Writing the report to {report} ...");
            AnomalyReport.Write(report!, input);
            result = input.Evaluation;
        }
        else
        {
            result = evaluator!.Evaluate();
        }

        var rows = MetricsRow.From(result);
        var csv = report is null ? ModelFiles.TestMetrics(modelPath, "csv") : Path.Combine(report, CsvName);
        var jsonPath = report is null ? ModelFiles.TestMetrics(modelPath, "json") : Path.Combine(report, JsonName);
        var summary = new EvaluationSummary
        {
            Model = s.ZeroShot?.Name ?? modelPath,
            Backbone = backbone,
            Data = new DatasetSpec(s.Data.Kind, dataset.Root).ToString(),
            Images = dataset.Samples.Count,
            ImageSize = model.ImageSize,
            Threshold = model.Threshold,
            Mode = s.Mode.ToString().ToLowerInvariant(),
            FprLimit = result.FprLimit,
            ProConvention = MetricsTable.Name(s.Pro),
            PerClass = rows.Take(rows.Count - 1).ToList(),
            Mean = rows[^1],
            Csv = csv,
            Json = jsonPath,
            Report = report,
            Seconds = Math.Round(clock.Elapsed.TotalSeconds, 3),
        };
        AtomicFile.WriteAllText(csv, MetricsCsv.Format(rows));
        AtomicFile.WriteAllText(jsonPath, JsonSerializer.Serialize(summary, CliJson.Indented) + "\n");
        return (summary, result);
    }

    /// <summary>Fails before any scoring when the report could not be written there.</summary>
    private static void CheckReportFolder(string folder)
    {
        if (File.Exists(folder)) throw new CliUsageException($"--report {folder} is a file: give a folder for the HTML report.");
        if (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any() && !File.Exists(Path.Combine(folder, "report.json")))
            throw new CliUsageException($"--report {folder} exists and is not an earlier report: a report replaces only an empty folder or an earlier report. Choose another folder, or empty this one.");
    }
}
