using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using DaClip.Cli.Common;
using DaClip.MLNet;
using Microsoft.ML;

namespace DaClip.Cli.Commands;

/// <summary>What <c>daclip calibrate</c> chose: the threshold and how the data scores at it.</summary>
internal sealed record OperatingPoint(
    string Model, string Method, float Threshold, float PreviousThreshold, int Images, int Normal, int Anomalous,
    int FalsePositives, int TruePositives, double? FalsePositiveRate, double? TruePositiveRate, double? Precision, double? F1);

/// <summary>
/// <c>daclip calibrate --model model.zip --data kind:root (--fpr 0.01 | --f1) [--out calibrated.zip]</c>: scores the
/// dataset's test split, chooses the threshold (<see cref="DaClipThresholds"/>: at most that false-positive rate on its
/// normal images, or the best F1 over its labels), rewrites the model's threshold atomically and prints the operating point.
/// </summary>
internal static class CalibrateCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "The model zip whose threshold is rewritten.", HelpName = "model.zip", Required = true };
        var data = CliOptions.Data("Calibration data with labels; its test split is scored (masks are not needed).");
        var classes = CliOptions.Classes();
        var fpr = new Option<double?>("--fpr")
        {
            Description = "Choose the smallest threshold that flags at most this fraction of the data's normal images (e.g. 0.01).",
            HelpName = "rate",
        };
        fpr.Validators.Add(r =>
        {
            if (CliOptions.Converted<double>(r) is double v && v is not (>= 0 and <= 1)) r.AddError($"--fpr {v.ToString(CultureInfo.InvariantCulture)}: give a rate in [0, 1], e.g. 0.01.");
        });
        var f1 = new Option<bool>("--f1") { Description = "Choose the threshold with the best F1 of the anomalous class over the data's labels." };
        var output = new Option<string?>("--out") { Description = "Write the calibrated model here instead of rewriting --model.", HelpName = "model.zip" };
        var batchSize = CliOptions.ScoringBatchSize();
        var device = CliOptions.Device("ONNX Runtime device for scoring.");
        var json = CliOptions.Json("the operating point as JSON");
        var command = new Command("calibrate",
            "Set a model's threshold from labelled data: at most a false-positive rate on the normal images (--fpr 0.01) or the best F1 (--f1); " +
            "rewrites the model atomically and prints the operating point. Example: daclip calibrate --model mvtec.zip --data visa:/data/visa --fpr 0.01");
        foreach (var o in new Option[] { model, data, classes, fpr, f1, output, batchSize, device, json, CliOptions.Config() }) command.Options.Add(o);
        command.SetAction((parse, cancellation) => VerbRunner.RunAsync("calibrate", parse.InvocationConfiguration.Error, () =>
        {
            double? rate = parse.GetValue(fpr);
            bool byF1 = parse.GetValue(f1);
            if (rate is null == !byF1) throw new CliUsageException("give exactly one of --fpr rate (e.g. 0.01) and --f1.");
            bool asJson = parse.GetValue(json);
            var error = parse.InvocationConfiguration.Error;
            var modelPath = Path.GetFullPath(parse.GetValue(model)!);
            if (!File.Exists(modelPath)) throw new CliUsageException($"--model {parse.GetValue(model)}: no such file ({modelPath}). Give a model zip written by `daclip train`.");
            var target = Path.GetFullPath(parse.GetValue(output) ?? modelPath);
            if (Directory.Exists(target)) throw new CliUsageException($"--out {target} is a folder: give the path of the model zip to write.");

            var dataset = DatasetInput.ReadTestSplit(parse.GetValue(data)!, parse.GetValue(classes), allowMissingMasks: true);
            var ml = new MLContext { GpuDeviceId = CliOptions.GpuOrdinal(parse.GetValue(device)!), FallbackToCpu = false };
            using var transformer = DaClipTransformer.Load(ml, modelPath);
            if (!asJson) error.WriteLine($"Scoring {dataset.Samples.Count} images of {parse.GetValue(data)} ({dataset.AnomalousCount} anomalous) for calibration.");
            var bar = ConsoleProgressBar.CreateIfWanted("scoring", error, asJson);
            var scores = new float[dataset.Samples.Count];
            foreach (var (i, p) in ImageStream.Score(ml, transformer, dataset.Samples.Select(x => x.ImagePath).ToList(), parse.GetValue(batchSize), bar, cancellation))
                scores[i] = p.Score;
            var labels = dataset.Samples.Select(x => x.Label).ToArray();
            float threshold;
            if (rate is double r)
            {
                var normal = scores.Where((_, i) => !labels[i]).ToArray();
                if (normal.Length == 0) throw new CliUsageException($"--fpr needs normal images, and {parse.GetValue(data)} has none in its test split: use --f1, or other data.");
                threshold = DaClipThresholds.ForFalsePositiveRate(normal, r);
            }
            else
            {
                if (!labels.Any(l => l)) throw new CliUsageException($"--f1 needs anomalous images, and {parse.GetValue(data)} has none in its test split: use --fpr, or other data.");
                threshold = DaClipThresholds.MaxF1(scores, labels).Threshold;
            }
            using (var calibrated = transformer.WithThreshold(threshold))
            {
                calibrated.Save(target);
                threshold = calibrated.Threshold;
            }
            var point = Measure(target, rate is double x ? $"fpr<={x.ToString(CultureInfo.InvariantCulture)}" : "f1", threshold, transformer.Threshold, scores, labels);
            Print(point, parse.InvocationConfiguration.Output, asJson);
            return 0;
        }));
        return command;
    }

    /// <summary>The counts and rates of <c>score &gt; threshold</c> on the calibration data.</summary>
    public static OperatingPoint Measure(string model, string method, float threshold, float previous, IReadOnlyList<float> scores, IReadOnlyList<bool> labels)
    {
        int normal = labels.Count(l => !l), anomalous = labels.Count - normal;
        int fp = 0, tp = 0;
        for (int i = 0; i < scores.Count; i++)
        {
            if (scores[i] <= threshold) continue;
            if (labels[i]) tp++;
            else fp++;
        }
        double? Ratio(int a, int b) => b == 0 ? null : (double)a / b;
        double? f1 = anomalous == 0 ? null : 2.0 * tp / (tp + fp + anomalous);
        return new OperatingPoint(model, method, threshold, previous, scores.Count, normal, anomalous, fp, tp, Ratio(fp, normal), Ratio(tp, anomalous), Ratio(tp, tp + fp), f1);
    }

    private static void Print(OperatingPoint p, TextWriter output, bool json)
    {
        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(p, CliJson.Indented));
            return;
        }
        static string Percent(double? v) => v is double x ? (100 * x).ToString("F1", CultureInfo.InvariantCulture) + " %" : "n/a";
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Threshold {p.Threshold:R} ({p.Method}; was {p.PreviousThreshold:R}) written to {p.Model}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Operating point on {p.Images} images ({p.Normal} normal, {p.Anomalous} anomalous): FPR {Percent(p.FalsePositiveRate)} ({p.FalsePositives} normal flagged), " +
            $"TPR {Percent(p.TruePositiveRate)} ({p.TruePositives} anomalous flagged), precision {Percent(p.Precision)}, F1 {Percent(p.F1)}."));
    }
}
