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
    public DatasetSpec? Data { get; init; }
    public IReadOnlyList<string>? Classes { get; init; }
    /// <summary>The saved model; null when <see cref="ZeroShot"/> is set or with <see cref="FromPredictions"/>.</summary>
    public string? ModelPath { get; init; }
    /// <summary>The training-free baseline to score with instead of a saved model.</summary>
    public ZeroShotSettings? ZeroShot { get; init; }
    /// <summary>A predictions folder (<c>daclip merge</c> output, or the shard outputs) evaluated instead of scoring <see cref="Data"/> with the model.</summary>
    public IReadOnlyList<string>? FromPredictions { get; init; }
    public string? ReportFolder { get; init; }
    public SegmentationEvaluationMode Mode { get; init; } = SegmentationEvaluationMode.Exact;
    public ProConvention Pro { get; init; } = ProConvention.Exact;
    public int BatchSize { get; init; } = 8;
    public string Device { get; init; } = "cpu";
    public string? ReportTitle { get; init; }
    public bool AllowMissingMasks { get; init; }
    public bool ResizeMasks { get; init; }
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
        if (s.FromPredictions is { Count: > 0 } folders) return RunFromPredictions(s, folders, error, json, cancellation);
        var clock = Stopwatch.StartNew();
        if (s.Data is null) throw new CliUsageException("give --data kind:root (and --model or --zero-shot) to score a dataset, or --from-predictions dir to evaluate stored predictions.");
        if (s.ModelPath is null && s.ZeroShot is null)
            throw new CliUsageException("--model model.zip is required with --data (or score with the training-free baseline, --zero-shot --backbone ..., or evaluate stored predictions with --from-predictions dir).");
        // The training-free baseline has no file: its metrics go to ./zero-shot.test-metrics.* without --report.
        var modelPath = Path.GetFullPath(s.ZeroShot is null ? s.ModelPath! : "zero-shot.zip");
        if (s.ZeroShot is null && !File.Exists(modelPath))
            throw new CliUsageException($"--model {s.ModelPath}: no such file ({modelPath}). Give a model zip written by `daclip train` (or DaClipTransformer.Save).");
        var report = s.ReportFolder is null ? null : Path.GetFullPath(s.ReportFolder);
        if (report is not null)
        {
            CheckReportFolder(report);
            OutputPathGuard.RequireWritableFolder("--report", report);
            OutputPathGuard.RefuseHoldingInputs("--report", report, [new("--model", modelPath), new("--data", s.Data.Root)]);
            OutputPathGuard.RefuseInsideInputs("--report", report, [new("--data", s.Data.Root)]);
        }

        var ml = new MLContext { GpuDeviceId = CliOptions.GpuOrdinal(s.Device), FallbackToCpu = false };
        using var model = s.ZeroShot is { } zeroShot ? ZeroShotModel.Create(ml, zeroShot, error, json) : DaClipTransformer.Load(ml, modelPath);
        var dataset = DatasetInput.ReadTestSplit(s.Data, s.Classes, s.AllowMissingMasks);
        MaskSizeCheck.Check(dataset, s.ResizeMasks, error);
        if (!json) error.WriteLine($"Scoring {dataset.Samples.Count} images of {s.Data} ({dataset.AnomalousCount} anomalous) at S = {model.ImageSize}.");
        var paths = dataset.Samples.Select(x => x.ImagePath).ToList();
        var bar = ConsoleProgressBar.CreateIfWanted("scoring", error, json);
        var scored = ImageStream.Score(ml, model, paths, s.BatchSize, bar, cancellation).Select(x =>
        {
            var sample = dataset.Samples[x.Index];
            return new ScoredImage(sample.Class, sample.Label, sample.ImagePath, sample.MaskPath, x.Prediction.Score, x.Prediction.PredictedLabel, x.Prediction.AnomalyMap);
        });
        string backbone = model.Contract.Backbone ?? "unknown";
        var run = new EvaluatedModel(modelPath, backbone, model.ImageSize, model.Fit, model.Threshold, new DatasetSpec(s.Data.Kind, dataset.Root).ToString(),
            dataset.Samples.Count, dataset.Classes,
            report is null ? ModelFiles.TestMetrics(modelPath, "csv") : Path.Combine(report, CsvName),
            report is null ? ModelFiles.TestMetrics(modelPath, "json") : Path.Combine(report, JsonName), s.ZeroShot?.Name);
        return Evaluate(s, run, scored, report, clock, error, json);
    }

    /// <summary>
    /// <c>daclip test --from-predictions dir</c>: evaluates the records of a predictions folder (every shard present,
    /// <see cref="PredictionSet"/>) in dataset order, exactly as scoring the dataset would have: the same scores, maps,
    /// masks at S x S and evaluator. Without stored maps only the image metrics are defined.
    /// </summary>
    private static (EvaluationSummary, SegmentationEvaluationResult) RunFromPredictions(EvaluationSettings s, IReadOnlyList<string> folders, TextWriter error, bool json, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        if (s.Data is not null || s.ModelPath is not null || s.ZeroShot is not null)
            throw new CliUsageException("--from-predictions evaluates stored predictions: drop --data, --model and --zero-shot (they are recorded in the predictions' manifest).");
        var set = PredictionSet.Open(folders, "--from-predictions");
        var m = set.Manifest;
        var report = s.ReportFolder is null ? null : Path.GetFullPath(s.ReportFolder);
        if (report is not null) CheckReportFolder(report);
        if (report is not null && !set.HasMaps)
            throw new CliUsageException("--report needs the anomaly maps, and these predictions hold none: rerun `daclip predict` with --maps, or drop --report.");
        if (!set.HasMaps && !json)
            error.WriteLine("Note: the predictions hold no anomaly maps (predict without --maps): pixel metrics are n/a. Rerun predict with --maps for them.");
        if (!json) error.WriteLine($"Evaluating {set.Images} stored predictions of {m.Data} ({m.ShardCount} shard(s)) from {string.Join(", ", folders)}.");
        var keep = s.Classes is { Count: > 0 } c ? new HashSet<string>(c, StringComparer.Ordinal) : null;
        var records = set.Read().Where(r => keep is null || keep.Contains(r.Record.Class)).ToList();
        if (records.Count == 0) throw new CliUsageException($"--classes {string.Join(",", keep ?? [])}: no stored prediction has such a class.");
        var scored = records.Select(r =>
        {
            cancellation.ThrowIfCancellationRequested();
            return new ScoredImage(r.Record.Class, r.Record.Label, r.Record.Image, r.Record.Mask, r.Record.Score, r.Record.Score > m.ModelThreshold, r.Map);
        });
        var folder = Path.GetFullPath(folders[0]);
        var run = new EvaluatedModel(m.Model, m.Backbone, m.ImageSize, Enum.Parse<ImageFit>(m.Fit), m.ModelThreshold, m.Data, records.Count,
            records.Select(r => r.Record.Class).Distinct().Order(StringComparer.Ordinal).ToList(),
            report is null ? Path.Combine(folder, CsvName) : Path.Combine(report, CsvName),
            report is null ? Path.Combine(folder, JsonName) : Path.Combine(report, JsonName));
        return Evaluate(s, run, scored, report, clock, error, json);
    }

    /// <summary>One image to evaluate: ground truth and the model's outputs (a null map counts as no pixel scores).</summary>
    private sealed record ScoredImage(string Class, bool Label, string ImagePath, string? MaskPath, float Score, bool PredictedAnomalous, float[]? Map);

    /// <summary>What the evaluated scores came from, and where the metrics go.</summary>
    /// <summary>What was evaluated; <paramref name="Name"/> replaces the model file's name (the training-free baseline has no file).</summary>
    private sealed record EvaluatedModel(string ModelPath, string Backbone, int ImageSize, ImageFit Fit, float Threshold, string Data, int Images,
        IReadOnlyList<string> Classes, string Csv, string Json, string? Name = null);

    private static (EvaluationSummary, SegmentationEvaluationResult) Evaluate(EvaluationSettings s, EvaluatedModel run, IEnumerable<ScoredImage> scored,
        string? report, Stopwatch clock, TextWriter error, bool json)
    {
        var metricsOptions = new SegmentationEvaluatorOptions { Mode = s.Mode };
        var builder = report is null ? null : new AnomalyReportBuilder(metricsOptions, fit: run.Fit);
        var evaluator = report is null ? new SegmentationEvaluator(metricsOptions) : null;
        int size = run.ImageSize;
        foreach (var x in scored)
        {
            if (builder is not null)
            {
                builder.Add(new AnomalyReportImage
                {
                    ClassName = x.Class,
                    IsAnomalous = x.Label,
                    Score = x.Score,
                    PredictedAnomalous = x.PredictedAnomalous,
                    ImagePath = x.ImagePath,
                    MaskPath = x.MaskPath,
                    AnomalyMap = x.Map,
                });
            }
            else if (x.Map is null)
            {
                // No stored map: one pixel and no mask, so that every pixel metric is undefined (n/a) and the image metrics stand.
                evaluator!.Add(x.Class, x.Label, x.Score, [x.Score], [], 1, 1);
            }
            else
            {
                var mask = x.MaskPath is { } maskPath ? MaskLoader.Load(maskPath, size, run.Fit) : [];
                evaluator!.Add(x.Class, x.Label, x.Score, x.Map, mask, size, size);
            }
        }

        SegmentationEvaluationResult result;
        if (builder is not null)
        {
            var input = builder.Build(s.ReportTitle ?? $"DA-CLIP on {run.Data}") with
            {
                Model = run.Name ?? Path.GetFileName(run.ModelPath),
                Backbone = run.Backbone,
                RunInfo =
                [
                    new("Data", run.Data),
                    new("Images", run.Images.ToString(CultureInfo.InvariantCulture)),
                    new("Model input", $"{size} x {size} ({run.Fit})"),
                    new("Model threshold", run.Threshold.ToString("R", CultureInfo.InvariantCulture)),
                ],
                CreatedAt = DateTimeOffset.UtcNow,
                ImageThresholds = run.Classes.ToDictionary(c => c, _ => run.Threshold),
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
        var summary = new EvaluationSummary
        {
            Model = run.Name ?? run.ModelPath,
            Backbone = run.Backbone,
            Data = run.Data,
            Images = run.Images,
            ImageSize = size,
            Threshold = run.Threshold,
            Mode = s.Mode.ToString().ToLowerInvariant(),
            FprLimit = result.FprLimit,
            ProConvention = MetricsTable.Name(s.Pro),
            PerClass = rows.Take(rows.Count - 1).ToList(),
            Mean = rows[^1],
            Csv = run.Csv,
            Json = run.Json,
            Report = report,
            Seconds = Math.Round(clock.Elapsed.TotalSeconds, 3),
        };
        AtomicFile.WriteAllText(run.Csv, MetricsCsv.Format(rows));
        AtomicFile.WriteAllText(run.Json, JsonSerializer.Serialize(summary, CliJson.Indented) + "\n");
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
