using System.CommandLine;
using System.Text.Json;
using DaClip.Cli.Common;
using DaClip.MLNet.Metrics;

namespace DaClip.Cli.Commands;

/// <summary>
/// <c>daclip test --data kind:root --model model.zip [--report dir]</c>: scores a dataset's test split with a saved model
/// and prints the per-class and mean metrics (image AUROC / AP / F1-max, pixel AUROC / AP / PRO), writes them as CSV and
/// JSON, and the HTML report when asked. With <c>--zero-shot --backbone ...</c> it scores the training-free CLIP baseline instead.
/// </summary>
internal static class TestCommand
{
    public static Command Create()
    {
        var data = CliOptions.Data("Evaluation data; its test split is scored (images, labels, masks). Required unless --from-predictions.");
        data.Required = false;
        var model = new Option<string?>("--model") { Description = "The model zip written by `daclip train`. Required unless --zero-shot or --from-predictions.", HelpName = "model.zip" };
        var fromPredictions = new Option<string[]>("--from-predictions")
        {
            Description = "Evaluate stored predictions instead of scoring: the folder of `daclip merge`, or the --out folders of every shard of `daclip predict --data ... --shard i/N` " +
                "(written with --maps for pixel metrics). The model and data are those recorded there.",
            HelpName = "dir",
            AllowMultipleArgumentsPerToken = true,
        };
        var zeroShot = ZeroShotModel.Flag();
        var backbone = ZeroShotModel.Backbone();
        var vocab = ZeroShotModel.Vocab();
        var imageSize = ZeroShotModel.ImageSize();
        var objectName = ZeroShotModel.ObjectName();
        var report = new Option<string?>("--report")
        {
            Description = $"Write the HTML report (index.html, overlays of the worst cases, ROC/PRO charts) into this folder, with {EvaluationRun.CsvName} and {EvaluationRun.JsonName}; " +
                "without it the metrics go beside the model as <stem>.test-metrics.csv/.json.",
            HelpName = "dir",
        };
        var classes = CliOptions.Classes();
        var mode = new Option<string>("--mode")
        {
            Description = "exact: keep every pixel score (the literature's numbers); streaming: bounded memory, metrics within 1e-4 (docs/metrics.md).",
            HelpName = "exact|streaming",
            DefaultValueFactory = _ => "exact",
        };
        mode.AcceptOnlyFromAmong("exact", "streaming");
        var pro = new Option<string>("--pro")
        {
            Description = "PRO convention of the printed table (CSV and JSON hold all three): exact (MVTec AD definition), anomalyclip, anomalib.",
            HelpName = "exact|anomalyclip|anomalib",
            DefaultValueFactory = _ => "exact",
        };
        pro.AcceptOnlyFromAmong("exact", "anomalyclip", "anomalib");
        var batchSize = CliOptions.ScoringBatchSize();
        var device = CliOptions.Device("ONNX Runtime device for scoring.");
        var allowMissingMasks = DatasetInput.AllowMissingMasksOption();
        var resizeMasks = MaskSizeCheck.ResizeMasksOption();
        var json = CliOptions.Json("the metrics and the files written as JSON");

        var command = new Command("test",
            "Evaluate a trained model on a dataset's test split: per-class and mean image AUROC/AP/F1-max and pixel AUROC/AP/PRO, " +
            "written as CSV and JSON, plus an HTML report with --report. Example: daclip test --data visa:/data/visa --model mvtec.zip --report visa-report; " +
            "training-free: daclip test --data visa:/data/visa --zero-shot --backbone ViT-L/14@336px");
        foreach (var o in new Option[] { data, model, zeroShot, backbone, vocab, imageSize, objectName, fromPredictions, report, classes, mode, pro, batchSize, device, allowMissingMasks, resizeMasks, json, CliOptions.Config() })
            command.Options.Add(o);
        command.SetAction((parse, cancellation) =>
        {
            var error = parse.InvocationConfiguration.Error;
            return VerbRunner.RunAsync("test", error, () =>
            {
                bool asJson = parse.GetValue(json);
                var predictions = parse.GetValue(fromPredictions);
                var zeroShotSettings = predictions is { Length: > 0 } && !parse.GetValue(zeroShot) ? null
                    : ZeroShotModel.Resolve(parse.GetValue(model), parse.GetValue(zeroShot), parse.GetValue(backbone), parse.GetValue(vocab),
                        parse.GetValue(imageSize), parse.GetValue(objectName)!);
                var settings = new EvaluationSettings
                {
                    Data = parse.GetValue(data),
                    Classes = parse.GetValue(classes),
                    ModelPath = parse.GetValue(model),
                    FromPredictions = predictions,
                    ZeroShot = zeroShotSettings,
                    ReportFolder = parse.GetValue(report),
                    Mode = Enum.Parse<SegmentationEvaluationMode>(parse.GetValue(mode)!, ignoreCase: true),
                    Pro = Enum.Parse<ProConvention>(parse.GetValue(pro)!, ignoreCase: true),
                    BatchSize = parse.GetValue(batchSize),
                    Device = parse.GetValue(device)!,
                    AllowMissingMasks = parse.GetValue(allowMissingMasks),
                    ResizeMasks = parse.GetValue(resizeMasks),
                };
                var (summary, _) = EvaluationRun.Run(settings, error, asJson, cancellation);
                Print(summary, settings.Pro, parse.InvocationConfiguration.Output, asJson);
                return 0;
            });
        });
        return command;
    }

    /// <summary>Prints the table and where the files are, or the summary as JSON.</summary>
    public static void Print(EvaluationSummary summary, ProConvention pro, TextWriter output, bool json)
    {
        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(summary, CliJson.Indented));
            return;
        }
        output.WriteLine($"{summary.Data} (test split), {summary.Images} images, model {(File.Exists(summary.Model) ? Path.GetFileName(summary.Model) : summary.Model)} ({summary.Backbone}, S = {summary.ImageSize}):");
        output.Write(MetricsTable.Format([.. summary.PerClass, summary.Mean], pro, summary.FprLimit));
        output.WriteLine($"Metrics: {summary.Csv}, {summary.Json}");
        if (summary.Report is { } report) output.WriteLine($"Report:  {Path.Combine(report, "index.html")}");
    }
}
