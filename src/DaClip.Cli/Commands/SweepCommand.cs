using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using DaClip.Cli.Common;
using DaClip.MLNet;
using DaClip.MLNet.Data;
using DaClip.MLNet.IO;
using DaClip.MLNet.Metrics;
using DaClip.MLNet.Reporting;
using DaClip.MLNet.Training;
using Microsoft.ML;

namespace DaClip.Cli.Commands;

/// <summary>
/// <c>daclip sweep --data aux --eval kind:root --backbone b --out dir --param top_k=1,10,30 [--param alpha=0.3..0.8:0.1]</c>:
/// trains once on <c>--data</c> (with every <c>train</c> option), encodes the <c>--eval</c> images once, and evaluates
/// every value of every scoring-time parameter without retraining (<see cref="ScoringSweep"/>), one parameter at a time
/// with the others at their trained values, like the supplementary's hyper-parameter figures. Writes sweep.csv,
/// sweep.json and a chart per parameter (sweep-&lt;name&gt;.png).
/// </summary>
internal static class SweepCommand
{
    public static Command Create()
    {
        var data = CliOptions.Data("Auxiliary training data (trained on once); its test split is read with labels and masks.");
        var eval = new Option<DatasetSpec>("--eval")
        {
            Description = "Evaluation data, kind:root: every swept value is evaluated on its test split.",
            HelpName = "kind:root",
            Required = true,
            CustomParser = result =>
            {
                var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
                if (DatasetSpec.TryParse(text, out var spec, out var error)) return spec;
                result.AddError($"--eval: {error}");
                return null;
            },
        };
        var parameters = new Option<string[]>("--param")
        {
            Description = $"A scoring-time option and its values: name=v1,v2,... or name=from..to:step (both ends included); repeatable. Sweepable: {string.Join(", ", SweepParameter.ScoringTime.Keys)}.",
            HelpName = "name=values",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var backbone = new Option<string>("--backbone") { Description = "CLIP backbone to train on: a checkpoint file, a downloaded model name, or 'tiny'.", HelpName = "checkpoint|tiny", Required = true };
        var vocab = new Option<string?>("--vocab") { Description = "CLIP's BPE vocabulary for a checkpoint backbone; default: the cached one.", HelpName = "path" };
        var output = new Option<string>("--out") { Description = "Folder for model.zip (the model trained once), sweep.csv, sweep.json and sweep-<param>.png.", HelpName = "dir", Required = true };
        var epochs = CliOptions.Positive(new Option<int>("--epochs") { Description = "Training epochs.", HelpName = "N", DefaultValueFactory = _ => 15 });
        var batchSize = CliOptions.Positive(new Option<int>("--batch-size") { Description = "Images per training step and per evaluation batch.", HelpName = "N", DefaultValueFactory = _ => 8 });
        var imageSize = new Option<int?>("--image-size") { Description = $"Input side S; default 518, {TrainingRun.TinyImageSize} for 'tiny'.", HelpName = "S" };
        var seed = new Option<int>("--seed") { Description = "Training seed.", HelpName = "N", DefaultValueFactory = _ => 42 };
        var threads = new Option<int?>("--threads") { Description = "libtorch CPU threads (default: 1 for tiny, libtorch's default otherwise)." };
        var allowMissingMasks = DatasetInput.AllowMissingMasksOption();
        var json = CliOptions.Json("the sweep table as JSON");
        var networkFlags = new ModelOptionFlags();
        var command = new Command("sweep",
            "Sweep scoring-time hyper-parameters (top_k, alpha, beta, sigma) without retraining: train once, encode the evaluation images once, " +
            "evaluate every value; writes a CSV/JSON table and a chart per parameter. Example: daclip sweep --data mvtec:/data/mvtec --eval visa:/data/visa " +
            "--backbone ViT-L/14@336px --out sweep --param top_k=1,10,30,50,80,90 --param alpha=0.3..0.8:0.1");
        foreach (var o in new Option[] { data, eval, parameters, backbone, vocab, output, epochs, batchSize, imageSize, seed, threads, allowMissingMasks, json, CliOptions.Config() })
            command.Options.Add(o);
        foreach (var o in networkFlags.All) command.Options.Add(o);
        command.SetAction((parse, cancellation) => VerbRunner.RunAsync("sweep", parse.InvocationConfiguration.Error, () =>
        {
            var sweep = parse.GetValue(parameters)!.Select(SweepParameter.Parse).ToList();
            var folder = Path.GetFullPath(parse.GetValue(output)!);
            if (File.Exists(folder)) throw new CliUsageException($"--out {parse.GetValue(output)} is a file: give a folder for the sweep.");
            bool asJson = parse.GetValue(json);
            var error = parse.InvocationConfiguration.Error;
            var backboneSource = BackboneSource.Resolve(parse.GetValue(backbone)!, parse.GetValue(vocab));
            bool allowMissing = parse.GetValue(allowMissingMasks);
            var evalData = DatasetInput.ReadTestSplit(parse.GetValue(eval)!, null, allowMissing);
            var training = TrainingRun.Run(new TrainingSettings
            {
                Data = parse.GetValue(data)!,
                Backbone = backboneSource,
                ModelPath = Path.Combine(folder, "model.zip"),
                Epochs = parse.GetValue(epochs),
                BatchSize = parse.GetValue(batchSize),
                ImageSize = parse.GetValue(imageSize),
                Seed = parse.GetValue(seed),
                Threads = parse.GetValue(threads),
                FeatureCache = FeatureCacheMode.Auto,
                AllowMissingMasks = allowMissing,
                Model = networkFlags.Model(parse, imageSize: 0),
                LearningRate = networkFlags.LearningRate(parse),
                AdamBetas = networkFlags.AdamBetas(parse),
            }, error, asJson, cancellation);

            using var model = DaClipTransformer.Load(new MLContext(), training.ModelPath);
            using var rebuild = NetworkRebuild.Load(model, backboneSource, training.CheckpointPath);
            var trained = rebuild.Network.Options;
            if (!asJson) error.WriteLine($"Encoding {evalData.Samples.Count} evaluation images of {parse.GetValue(eval)} once ...");
            var bar = ConsoleProgressBar.CreateIfWanted("encoding", error, asJson);
            using var scoring = new ScoringSweep(rebuild.Network, evalData, model.Fit, parse.GetValue(batchSize), (done, total) => bar?.Update(done, total), cancellation);
            bar?.Finish();
            var rows = new List<SweepRow>();
            foreach (var p in sweep)
            {
                foreach (var value in p.Values)
                {
                    cancellation.ThrowIfCancellationRequested();
                    rows.Add(new SweepRow(p.Name, value, value == p.ValueIn(trained), scoring.Evaluate(p.Apply(trained, value))));
                }
            }
            var files = Write(folder, sweep, rows, parse.GetValue(eval)!.ToString());
            Print(rows, files, training.ModelPath, parse.InvocationConfiguration.Output, asJson);
            return 0;
        }));
        return command;
    }

    /// <summary>Writes sweep.csv, sweep.json and one chart per parameter; returns their paths.</summary>
    private static IReadOnlyList<string> Write(string folder, IReadOnlyList<SweepParameter> sweep, IReadOnlyList<SweepRow> rows, string eval)
    {
        var files = new List<string>();
        var csv = new StringBuilder("parameter,value,trained,images,image_auroc,image_ap,image_f1_max,pixel_auroc,pixel_ap,pixel_f1_max,pixel_aupro_exact\n");
        foreach (var r in rows)
        {
            var m = r.Mean;
            csv.Append(r.Parameter).Append(',').Append(r.Value.ToString("R", CultureInfo.InvariantCulture)).Append(',').Append(r.Trained ? "true" : "false")
                .Append(',').Append(m.Images.ToString(CultureInfo.InvariantCulture));
            foreach (var v in new[] { m.ImageAuroc, m.ImageAp, m.ImageF1Max, m.PixelAuroc, m.PixelAp, m.PixelF1Max, m.PixelAuproExact })
                csv.Append(',').Append(v?.ToString("R", CultureInfo.InvariantCulture));
            csv.Append('\n');
        }
        files.Add(Path.Combine(folder, "sweep.csv"));
        AtomicFile.WriteAllText(files[^1], csv.ToString());
        files.Add(Path.Combine(folder, "sweep.json"));
        AtomicFile.WriteAllText(files[^1], JsonSerializer.Serialize(new
        {
            eval,
            rows = rows.Select(r => new { parameter = r.Parameter, value = r.Value, trained = r.Trained, mean = r.Mean }),
            needRetraining = SweepParameter.NeedRetraining.Order(StringComparer.Ordinal),
        }, CliJson.Indented) + "\n");
        foreach (var p in sweep)
        {
            var mine = rows.Where(r => r.Parameter == p.Name).ToList();
            double xMax = Math.Max(mine.Max(r => r.Value), 1e-9) * 1.05;
            CurveSeries Series(string name, Func<MetricsRow, double?> metric) =>
                new(name, mine.Where(r => metric(r.Mean) is not null).Select(r => new CurvePoint(r.Value, metric(r.Mean)!.Value, 0f)).ToList());
            var png = CurveChart.RenderPng($"Sweep of {p.Name}", p.Name, "metric (mean over classes)", xMax,
                [Series("image AUROC", m => m.ImageAuroc), Series("image AP", m => m.ImageAp), Series("pixel AUROC", m => m.PixelAuroc), Series("PRO", m => m.PixelAuproExact)],
                chanceDiagonal: false);
            files.Add(Path.Combine(folder, $"sweep-{p.Name}.png"));
            AtomicFile.WriteAllBytes(files[^1], png);
        }
        return files;
    }

    private static void Print(IReadOnlyList<SweepRow> rows, IReadOnlyList<string> files, string model, TextWriter output, bool json)
    {
        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(new { model, files, rows = rows.Select(r => new { parameter = r.Parameter, value = r.Value, trained = r.Trained, mean = r.Mean }) }, CliJson.Indented));
            return;
        }
        static string P(double? v) => v is double x ? (100 * x).ToString("F1", CultureInfo.InvariantCulture) : "n/a";
        output.WriteLine($"{"parameter",-10} {"value",8}  {"I-AUROC",7}  {"I-AP",7}  {"P-AUROC",7}  {"PRO",7}");
        foreach (var r in rows)
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Parameter,-10} {r.Value,8:G6}{(r.Trained ? "*" : " ")} {P(r.Mean.ImageAuroc),7}  {P(r.Mean.ImageAp),7}  {P(r.Mean.PixelAuroc),7}  {P(r.Mean.PixelAuproExact),7}"));
        output.WriteLine("Percent, mean over classes; * = the value the model was trained and exported with. PRO: exact convention, FPR limit 0.3.");
        output.WriteLine($"Model: {model}");
        foreach (var f in files) output.WriteLine($"Wrote: {f}");
    }
}
