using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using DaClip.MLNet;
using DaClip.MLNet.Imaging;
using DaClip.MLNet.Scoring;
using DaClip.MLNet.Training.Clip;
using DaClip.MLNet.Training.Clip.Text;
using DaClip.MLNet.Training.Export;
using DaClip.MLNet.Training.Network;
using Microsoft.ML.OnnxRuntime;
using TorchSharp;
using static TorchSharp.torch;

namespace DaClip.Cli.Bench;

/// <summary>
/// <c>daclip bench infer</c>: full DA-CLIP inference on CPU at real size (ViT-L/14@336 dimensions by default, seeded
/// random weights, default options). The exported ONNX model runs on ONNX Runtime through <see cref="DaClipOnnxScorer"/>
/// at batch 1 and is compared in the same process with a reference on the same weights and pixels: the float32 graph
/// for <c>--precision Int8</c>, else the TorchSharp network (<see cref="DaClipNetwork.Predict"/>). Prints median
/// latency, peak resident memory of each phase, the ratio, the largest output differences and the per-image map
/// correlation; <c>--profile</c> adds where ONNX Runtime spends its time; <c>--throughput</c> measures images/s over
/// batch sizes and concurrent batches instead; <c>--onnx</c> scores an existing model file in a process that does
/// nothing else (its peak memory is the scoring's alone). Results are recorded in docs/benchmarks.md.
/// </summary>
internal static class InferenceBenchmark
{
    public static Command CreateCommand()
    {
        var arch = new Option<string>("--arch") { Description = "Backbone dimensions: " + string.Join(", ", ClipConfig.Known.Keys) + " or tiny.", DefaultValueFactory = _ => "ViT-L/14@336px" };
        var size = new Option<int>("--size") { Description = "Input side S, a multiple of the patch size (ViT-L/14: 336 = grid 24, 518 = grid 37, the paper's).", DefaultValueFactory = _ => 518 };
        var runs = new Option<int>("--runs") { Description = "Timed runs of each engine (after the warm-up).", DefaultValueFactory = _ => 3 };
        var warmup = new Option<int>("--warmup") { Description = "Untimed runs of each engine first.", DefaultValueFactory = _ => 1 };
        var threads = new Option<int>("--threads") { Description = "Threads for TorchSharp and ONNX Runtime (intra-op).", DefaultValueFactory = _ => Environment.ProcessorCount };
        var scan = new Option<DarScanForm>("--scan") { Description = "Selective-scan form of the exported graph.", DefaultValueFactory = _ => DarScanForm.Parallel };
        var precision = new Option<OnnxPrecision>("--precision") { Description = "Precision of the exported graph: Float32, Float16 (for GPUs) or Int8 (for CPUs; compared with the Float32 graph).", DefaultValueFactory = _ => OnnxPrecision.Float32 };
        var int8Form = new Option<Int8MatMulForm[]>("--int8-form")
        {
            Description = "With --precision Int8: the operators of the quantised matrix products; several forms are each exported and timed in the same run " +
                "(the first is the main result).",
            DefaultValueFactory = _ => [new DaClipExportOptions().Int8Form],
            AllowMultipleArgumentsPerToken = true,
        };
        var attention = new Option<bool>("--standard-attention") { Description = "Export attention as standard ONNX operators instead of ONNX Runtime's fused MultiHeadAttention." };
        var skipReference = new Option<bool>("--skip-reference") { Description = "Time the exported model only (no reference, no comparison)." };
        var profile = new Option<bool>("--profile") { Description = "Profile one more ONNX Runtime run (after a warm-up) and print the time per operator and per graph part." };
        var seed = new Option<int>("--seed") { Description = "Seed of the random weights and pixels.", DefaultValueFactory = _ => 0 };
        var compareImages = new Option<int>("--compare-images") { Description = "Images (random pixels) on which the outputs are compared with the reference, each at batch 1.", DefaultValueFactory = _ => 2 };
        var onnx = new Option<string?>("--onnx") { Description = "Score this exported model file instead of building and exporting a network: a process that only scores (peak memory is the scoring's).", HelpName = "model.onnx" };
        var keepOnnx = new Option<string?>("--keep-onnx") { Description = "Write the exported model(s) into this folder and keep them (e.g. for --onnx runs); default: a temporary folder, deleted.", HelpName = "dir" };
        var throughput = new Option<bool>("--throughput") { Description = "Measure images/s over --images images for every --batch-sizes x --concurrency setting (no reference), and report the best." };
        var images = new Option<int>("--images") { Description = "With --throughput: images scored per setting.", DefaultValueFactory = _ => 8 };
        var batchSizes = new Option<int[]>("--batch-sizes") { Description = "With --throughput: batch sizes B to try.", DefaultValueFactory = _ => [1, 2, 4], AllowMultipleArgumentsPerToken = true };
        var concurrency = new Option<int[]>("--concurrency") { Description = "With --throughput: batches K run at once on one session (intra-op threads = threads / K each).", DefaultValueFactory = _ => [1, 2], AllowMultipleArgumentsPerToken = true };
        var json = BenchJson.Option();
        foreach (var o in new[] { runs, threads, compareImages, images })
            o.Validators.Add(r =>
            {
                if (r.GetValue(o) < 1) r.AddError($"{o.Name} must be at least 1.");
            });
        int8Form.Validators.Add(r =>
        {
            if (r.GetValue(int8Form) is not { Length: > 0 } v || v.Distinct().Count() != v.Length) r.AddError("--int8-form takes one or more distinct forms.");
        });
        foreach (var o in new[] { batchSizes, concurrency })
            o.Validators.Add(r =>
            {
                if (r.GetValue(o) is not { Length: > 0 } v || v.Any(x => x < 1)) r.AddError($"{o.Name} takes one or more values of at least 1.");
            });
        warmup.Validators.Add(r =>
        {
            if (r.GetValue(warmup) < 0) r.AddError("--warmup must be 0 or more.");
        });

        var command = new Command("infer",
            "DA-CLIP inference on CPU at ViT-L/14@336 size: ONNX Runtime (exported graph, any precision) vs a reference (float32 graph for Int8, else TorchSharp), " +
            "batch 1; or images/s over batch sizes and concurrency (--throughput); or an existing model alone (--onnx).")
        {
            arch, size, runs, warmup, threads, scan, precision, int8Form, attention, skipReference, profile, seed, compareImages, onnx, keepOnnx,
            throughput, images, batchSizes, concurrency, json,
        };
        command.SetAction(parse => Run(new Settings(parse.GetValue(arch)!, parse.GetValue(size), parse.GetValue(runs), parse.GetValue(warmup), parse.GetValue(threads),
            parse.GetValue(scan), parse.GetValue(precision), parse.GetValue(int8Form)!, !parse.GetValue(attention), parse.GetValue(skipReference), parse.GetValue(profile),
            parse.GetValue(seed), parse.GetValue(compareImages), parse.GetValue(onnx), parse.GetValue(keepOnnx), parse.GetValue(throughput), parse.GetValue(images),
            parse.GetValue(batchSizes)!, parse.GetValue(concurrency)!, parse.GetValue(json)), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        return command;
    }

    private sealed record Settings(string Arch, int Size, int Runs, int Warmup, int Threads, DarScanForm Scan, OnnxPrecision Precision, Int8MatMulForm[] Int8Forms,
        bool FusedAttention, bool SkipReference, bool Profile, int Seed, int CompareImages, string? Onnx, string? KeepOnnx, bool Throughput, int Images,
        int[] BatchSizes, int[] Concurrency, bool Json);

    /// <summary>Wall-clock and process CPU seconds of each timed run.</summary>
    private sealed record Timings(List<double> Wall, List<double> Cpu)
    {
        public double MedianWall => Median(Wall);

        public double MedianCpu => Median(Cpu);

        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"median {MedianWall:F2} s wall, {MedianCpu:F2} s CPU (runs: {string.Join(", ", Wall.Select(t => t.ToString("F2", CultureInfo.InvariantCulture)))} s)");
    }

    /// <summary>The form timed first (the main result).</summary>
    private static Int8MatMulForm Int8Form(Settings s) => s.Int8Forms[0];

    /// <summary>One timed engine: its runs, its outputs on the comparison images, and the memory of its phase.</summary>
    private sealed record Phase(Timings Times, List<InferenceComparison.Outputs> Outputs, long? RssBefore, long? Peak, double SessionSeconds);

    private static int Run(Settings s, TextWriter output, TextWriter error)
    {
        var log = BenchJson.Log(s.Json, output, error);
        string? folder = null;
        bool temporary = false;
        try
        {
            var result = new InferenceBenchmarkResult { Threads = s.Threads, Precision = s.Precision.ToString() };
            if (s.Onnx is not null)
            {
                ScoreFile(s, log, result);
            }
            else
            {
                temporary = s.KeepOnnx is null;
                folder = s.KeepOnnx is { } keep ? Path.GetFullPath(keep) : Path.Combine(Path.GetTempPath(), $"daclip-bench-{Guid.NewGuid():N}");
                Directory.CreateDirectory(folder);
                ExportAndCompare(s, log, folder, result);
            }
            result.LoadAverage = LoadAverage();
            if (s.Json) BenchJson.Write(output, result);
            return 0;
        }
        catch (Exception e) when (e is DaClipException or DaClipOptionException or DaClipSchemaException)
        {
            error.WriteLine("error: " + e.Message);
            return 2;
        }
        finally
        {
            if (temporary && folder is not null)
            {
                try
                {
                    Directory.Delete(folder, recursive: true);
                }
                catch (IOException)
                {
                    error.WriteLine($"warning: could not delete {folder}");
                }
            }
        }
    }

    private static ClipConfig Config(Settings s)
    {
        var config = s.Arch == "tiny" ? ClipConfig.Tiny : ClipConfig.Known.TryGetValue(s.Arch, out var c) ? c : null;
        if (config is null) throw new DaClipException($"--arch {s.Arch}: unknown; use one of {string.Join(", ", ClipConfig.Known.Keys)} or tiny.");
        if (s.Size < config.VisionPatchSize || s.Size % config.VisionPatchSize != 0)
            throw new DaClipException($"--size {s.Size}: must be a positive multiple of the patch size {config.VisionPatchSize} of {s.Arch}.");
        return config;
    }

    /// <summary>Builds the network, exports it, times it against its reference (or measures throughput).</summary>
    private static void ExportAndCompare(Settings s, TextWriter log, string folder, InferenceBenchmarkResult result)
    {
        var config = Config(s);
        var options = new DaClipModelOptions { ImageSize = s.Size };
        int grid = s.Size / config.VisionPatchSize;
        result.Arch = config.ArchitectureName;
        result.Size = s.Size;
        result.Grid = grid;
        bool int8Reference = s.Precision == OnnxPrecision.Int8 && !s.SkipReference && !s.Throughput;
        if (s.Precision == OnnxPrecision.Int8) result.Int8Form = Int8Form(s).ToString();
        log.WriteLine($"# daclip bench infer: {config.ArchitectureName} dimensions, random weights (seed {s.Seed}), S = {s.Size} (grid {grid}), {s.Threads} thread(s), " +
                      $"export {s.Precision}{(s.Precision == OnnxPrecision.Int8 ? $" ({Int8Form(s)})" : "")} / scan {s.Scan} / {AttentionName(s)} attention; " +
                      (s.Throughput ? "throughput" : $"batch 1, {s.Warmup} warm-up + {s.Runs} timed run(s) each, reference {(s.SkipReference ? "none" : int8Reference ? "the Float32 graph" : "TorchSharp")}") +
                      $"; load average {LoadAverage()}");
        torch.set_num_threads(s.Threads);
        var sw = Stopwatch.StartNew();
        using var clip = new ClipModel(config, s.Seed);
        clip.eval();
        var tokenizer = TinyWordTokenizer.Instance;
        var prompts = PromptBank.Create(options, tokenizer.EncodeBpe, tokenizer.SotId, tokenizer.EotId, config.ContextLength);
        using var net = new DaClipNetwork(clip, prompts, options, s.Seed);
        log.WriteLine($"model built in {sw.Elapsed.TotalSeconds:F1} s");

        var exportOptions = new DaClipExportOptions { ScanForm = s.Scan, Precision = s.Precision, Int8Form = Int8Form(s), FusedAttention = s.FusedAttention };
        var (path, bytes, seconds) = Export(net, folder, exportOptions, log);
        result.Onnx = s.KeepOnnx is null ? null : path;
        result.ModelBytes = bytes;
        result.ExportS = seconds;
        string? referencePath = null;
        if (int8Reference)
        {
            (referencePath, result.ReferenceModelBytes, _) = Export(net, folder, exportOptions with { Precision = OnnxPrecision.Float32 }, log);
        }

        if (s.Throughput)
        {
            Throughput(s, path, log, result);
            return;
        }

        var pixels = Pixels(s.Seed, s.CompareImages, s.Size);
        var ort = TimeScorer(s, path, pixels, log, s.Precision.ToString());
        Record(ort, result);
        if (!s.SkipReference)
        {
            Phase reference;
            if (referencePath is not null)
            {
                result.Reference = "onnx-float32";
                reference = TimeScorer(s, referencePath, pixels, log, "Float32 (reference)");
            }
            else
            {
                result.Reference = "torchsharp";
                reference = TimeTorchSharp(s, net, pixels, log);
            }
            result.ReferenceMedianS = reference.Times.MedianWall;
            result.ReferenceRunsS = [.. reference.Times.Wall];
            result.ReferenceCpuMedianS = reference.Times.MedianCpu;
            result.ReferencePeakRssBytes = reference.Peak;
            result.Ratio = ort.Times.MedianWall / reference.Times.MedianWall;
            var d = InferenceComparison.Of(ort.Outputs, reference.Outputs);
            (result.CompareImages, result.ScoreMaxAbsDiff, result.MapMaxAbsDiff, result.GlobalProbMaxAbsDiff, result.PatchMapMaxAbsDiff, result.MapPearsonMin, result.MapPearsonMean) =
                (d.Images, d.ScoreMaxAbsDiff, d.MapMaxAbsDiff, d.GlobalProbMaxAbsDiff, d.PatchMapMaxAbsDiff, d.MapPearsonMin, d.MapPearsonMean);
            log.WriteLine();
            log.WriteLine("| S | export | reference | reference median (wall / CPU) | ORT median (wall / CPU) | ratio (wall / CPU) | max abs diff score / map / global / patch | map Pearson min / mean | peak RSS ORT phase | peak RSS reference phase | model MB |");
            log.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|");
            log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {s.Size} | {s.Precision}{(s.Precision == OnnxPrecision.Int8 ? $" ({Int8Form(s)})" : "")}, {s.Scan} scan, {AttentionName(s)} attention | {result.Reference} | " +
                $"{reference.Times.MedianWall:F2} s / {reference.Times.MedianCpu:F2} s | {ort.Times.MedianWall:F2} s / {ort.Times.MedianCpu:F2} s | " +
                $"{ort.Times.MedianWall / reference.Times.MedianWall:F2} / {ort.Times.MedianCpu / reference.Times.MedianCpu:F2} | " +
                $"{d.ScoreMaxAbsDiff:E1} / {d.MapMaxAbsDiff:E1} / {d.GlobalProbMaxAbsDiff:E1} / {d.PatchMapMaxAbsDiff:E1} | {d.MapPearsonMin:F5} / {d.MapPearsonMean:F5} ({d.Images} images) | " +
                $"{Mem(ort)} | {Mem(reference)} | {bytes / 1e6:F0}{(result.ReferenceModelBytes is long rb ? $" vs {rb / 1e6:F0}" : "")} |"));
        }
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Peak RSS ORT phase {Mem(ort)}; RSS before it {ProcessMemory.Gib(ort.RssBefore)} (the TorchSharp network's weights); export {seconds:F1} s, model {bytes / 1e6:F0} MB; load average {LoadAverage()}."));
        if (s.Precision == OnnxPrecision.Int8 && s.Int8Forms.Length > 1)
        {
            var forms = new List<Int8FormTiming> { new(Int8Form(s).ToString(), ort.Times.MedianWall, ort.Times.MedianCpu, bytes, ort.Peak) };
            foreach (var form in s.Int8Forms.Skip(1))
            {
                var (formPath, formBytes, _) = Export(net, folder, exportOptions with { Int8Form = form }, log, $"-{form}");
                var phase = TimeScorer(s, formPath, pixels[..1], log, $"Int8 ({form})");
                forms.Add(new Int8FormTiming(form.ToString(), phase.Times.MedianWall, phase.Times.MedianCpu, formBytes, phase.Peak));
                if (s.KeepOnnx is null) File.Delete(formPath);
            }
            result.Int8Forms = forms;
            log.WriteLine();
            log.WriteLine("| int8 form | median wall s | median CPU s | model MB | peak RSS |");
            log.WriteLine("|---|---|---|---|---|");
            foreach (var f in forms)
                log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {f.Form} | {f.OrtMedianS:F2} | {f.OrtCpuMedianS:F2} | {f.ModelBytes / 1e6:F0} | {ProcessMemory.Gib(f.PeakRssBytes)} |"));
        }
        if (s.Profile) Profile(s, path, pixels[0], folder, log);
    }

    /// <summary><c>--onnx</c>: times an existing model in this process, which builds no network (its peak memory is the scoring's).</summary>
    private static void ScoreFile(Settings s, TextWriter log, InferenceBenchmarkResult result)
    {
        var path = Path.GetFullPath(s.Onnx!);
        if (!File.Exists(path)) throw new DaClipException($"--onnx {path}: no such file. Export one first (daclip export, or bench infer --keep-onnx).");
        long bytes = new FileInfo(path).Length + (File.Exists(path + ".data") ? new FileInfo(path + ".data").Length : 0);
        result.Onnx = path;
        result.ModelBytes = bytes;
        void Describe(DaClipOnnxScorer scorer)
        {
            result.Size = scorer.ImageSize;
            result.Precision = scorer.Precision ?? "unrecorded";
            result.Int8Form = scorer.Contract.Int8Form;
            result.Arch = scorer.Contract.Backbone ?? "";
            result.Grid = scorer.Contract.PatchGrid ?? 0;
            log.WriteLine($"# daclip bench infer --onnx {path}: {result.Precision} model, S = {result.Size}, {bytes / 1e6:F0} MB, {s.Threads} thread(s), scoring only; load average {LoadAverage()}");
        }
        if (s.Throughput)
        {
            Throughput(s, path, log, result, Describe);
            result.PeakRssBytes = ProcessMemory.Peak;
            return;
        }
        // One session only: the one timed (a second one would leave freed memory behind in the process).
        var ort = TimeScorer(s, path, size => Pixels(s.Seed, 1, size), log, "", resetPeak: false, Describe);
        Record(ort, result);
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Peak RSS of this process (it only scores): {ProcessMemory.Gib(ort.Peak)}; RSS before the session {ProcessMemory.Gib(ort.RssBefore)}."));
    }

    private static void Record(Phase ort, InferenceBenchmarkResult result)
    {
        result.OrtMedianS = ort.Times.MedianWall;
        result.OrtRunsS = [.. ort.Times.Wall];
        result.OrtCpuMedianS = ort.Times.MedianCpu;
        result.PeakRssBytes = ort.Peak;
        result.RssBeforeBytes = ort.RssBefore;
        result.SessionS = ort.SessionSeconds;
    }

    private static (string Path, long Bytes, double Seconds) Export(DaClipNetwork net, string folder, DaClipExportOptions options, TextWriter log, string suffix = "")
    {
        var sw = Stopwatch.StartNew();
        var path = Path.Combine(folder, $"daclip-{options.Precision.ToString().ToLowerInvariant()}{suffix}.onnx");
        DaClipOnnxExporter.Export(net, path, options);
        long bytes = new FileInfo(path).Length + (File.Exists(path + ".data") ? new FileInfo(path + ".data").Length : 0);
        log.WriteLine($"exported {options.Precision} in {sw.Elapsed.TotalSeconds:F1} s ({bytes / 1e6:F0} MB)");
        return (path, bytes, sw.Elapsed.TotalSeconds);
    }

    /// <summary>Seeded random pixels in [0, 1], one array per image.</summary>
    private static float[][] Pixels(int seed, int count, int size)
    {
        var rng = new Random(seed);
        var images = new float[count][];
        for (int k = 0; k < count; k++)
        {
            images[k] = new float[3 * size * size];
            for (int i = 0; i < images[k].Length; i++) images[k][i] = (float)rng.NextDouble();
        }
        return images;
    }

    /// <summary>Times batch-1 runs of the model on image 0 through the scorer, then scores the other comparison images once.</summary>
    private static Phase TimeScorer(Settings s, string path, float[][] pixels, TextWriter log, string label) => TimeScorer(s, path, _ => pixels, log, label);

    /// <summary>As above, with pixels made for the model's size and the open scorer shown to <paramref name="describe"/> first.</summary>
    private static Phase TimeScorer(Settings s, string path, Func<int, float[][]> pixelsFor, TextWriter log, string label, bool resetPeak = true,
        Action<DaClipOnnxScorer>? describe = null)
    {
        ReleaseManagedMemory();
        long? before = ProcessMemory.Current;
        bool reset = resetPeak && ProcessMemory.ResetPeak();
        var sw = Stopwatch.StartNew();
        var options = new DaClipScorerOptions { Provider = ExecutionProvider.Cpu, IntraOpThreads = s.Threads, ConcurrentBatches = 1, Log = _ => { } };
        var outputs = new List<InferenceComparison.Outputs>();
        Timings times;
        double session;
        using (var scorer = new DaClipOnnxScorer(path, options))
        {
            session = sw.Elapsed.TotalSeconds;
            describe?.Invoke(scorer);
            if (label.Length == 0) label = scorer.Precision ?? "precision unrecorded";
            var pixels = pixelsFor(scorer.ImageSize);
            DaClip.MLNet.Scoring.DaClipPrediction first = null!;
            times = Time(s, () => first = scorer.ScorePixels(pixels[0], 1)[0]);
            outputs.Add(InferenceComparison.Outputs.From(first));
            for (int i = 1; i < pixels.Length; i++) outputs.Add(InferenceComparison.Outputs.From(scorer.ScorePixels(pixels[i], 1)[0]));
        }
        long? peak = ProcessMemory.Peak;
        log.WriteLine($"ONNX Runtime, {label}: {times} (session created in {session:F1} s); peak RSS {ProcessMemory.Gib(peak)}{(reset ? $" (+{ProcessMemory.Gib(peak - before)} in this phase)" : "")}");
        return new Phase(times, outputs, before, peak, session);
    }

    private static Phase TimeTorchSharp(Settings s, DaClipNetwork net, float[][] pixels, TextWriter log)
    {
        ReleaseManagedMemory();
        long? before = ProcessMemory.Current;
        ProcessMemory.ResetPeak();
        InferenceComparison.Outputs Predict(float[] px)
        {
            using var scope = torch.NewDisposeScope();
            using var input = torch.tensor(px, [1, 3, s.Size, s.Size]);
            using var p = net.Predict(input);
            return new InferenceComparison.Outputs(p.Score.data<float>()[0], p.GlobalProbability.data<float>()[0], p.AnomalyMap.data<float>().ToArray(), p.PatchMap.data<float>().ToArray());
        }
        InferenceComparison.Outputs first = null!;
        var times = Time(s, () => first = Predict(pixels[0]));
        var outputs = new List<InferenceComparison.Outputs> { first };
        for (int i = 1; i < pixels.Length; i++) outputs.Add(Predict(pixels[i]));
        long? peak = ProcessMemory.Peak;
        log.WriteLine($"TorchSharp: {times}; peak RSS {ProcessMemory.Gib(peak)} (+{ProcessMemory.Gib(peak - before)} in this phase)");
        return new Phase(times, outputs, before, peak, 0);
    }

    /// <summary>
    /// Images/s of <see cref="DaClipOnnxScorer.Score(IReadOnlyList{RgbImage}, int?, CancellationToken)"/> for every batch size B and
    /// concurrency K (one session per K, intra-op threads = threads / K), after one untimed call per session.
    /// </summary>
    private static void Throughput(Settings s, string path, TextWriter log, InferenceBenchmarkResult result, Action<DaClipOnnxScorer>? describe = null)
    {
        List<RgbImage>? images = null;
        var points = new List<ThroughputPoint>();
        foreach (int k in s.Concurrency)
        {
            int intra = Math.Max(1, s.Threads / k);
            using var scorer = new DaClipOnnxScorer(path, new DaClipScorerOptions { Provider = ExecutionProvider.Cpu, IntraOpThreads = intra, ConcurrentBatches = k, Log = _ => { } });
            if (images is null)
            {
                describe?.Invoke(scorer);
                int size = scorer.ImageSize;
                var rng = new Random(s.Seed);
                images = Enumerable.Range(0, s.Images).Select(_ =>
                {
                    var samples = new ushort[3 * size * size];
                    for (int i = 0; i < samples.Length; i++) samples[i] = (ushort)rng.Next(65536);
                    return new RgbImage(size, size, samples, 16);
                }).ToList();
                log.WriteLine();
                log.WriteLine($"Throughput: {s.Images} images of {size} x {size} per setting, {s.Threads} thread(s) in all.");
                log.WriteLine("| batch B | concurrent batches K | intra-op threads | wall s | CPU s | images/s |");
                log.WriteLine("|---|---|---|---|---|---|");
            }
            scorer.Score(images.Take(Math.Min(images.Count, k)).ToList(), 1);
            foreach (int b in s.BatchSizes)
            {
                var cpu0 = Environment.CpuUsage.TotalTime;
                var sw = Stopwatch.StartNew();
                scorer.Score(images, b);
                var point = new ThroughputPoint(b, k, intra, s.Images, sw.Elapsed.TotalSeconds, (Environment.CpuUsage.TotalTime - cpu0).TotalSeconds);
                points.Add(point);
                log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {b} | {k} | {intra} | {point.WallS:F2} | {point.CpuS:F2} | {point.ImagesPerS:F3} |"));
            }
        }
        var best = points.MaxBy(p => p.ImagesPerS)!;
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Best: batch {best.BatchSize}, {best.Concurrency} concurrent batch(es) x {best.IntraOpThreads} thread(s): {best.ImagesPerS:F3} images/s; load average {LoadAverage()}."));
        result.Throughput = points;
        result.Best = best;
    }

    private static string Mem(Phase p) => p.RssBefore is null ? ProcessMemory.Gib(p.Peak) : $"{ProcessMemory.Gib(p.Peak)} (+{ProcessMemory.Gib(p.Peak - p.RssBefore)})";

    /// <summary>Collects garbage and compacts the large-object heap, so that RSS baselines hold live data only.</summary>
    private static void ReleaseManagedMemory()
    {
        System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
    }

    /// <summary>A warm-up and a profiled run on a session with the scorer's settings; prints the top operators and graph parts.</summary>
    private static void Profile(Settings s, string path, float[] pixels, string folder, TextWriter log)
    {
        using var so = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            IntraOpNumThreads = s.Threads,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        so.ProfileOutputPathPrefix = Path.Combine(folder, "ort-profile");   // before EnableProfiling, which reads it
        so.EnableProfiling = true;
        using var session = new InferenceSession(path, so);
        using var input = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Float, [1, 3, s.Size, s.Size]);
        pixels.CopyTo(input.GetTensorMutableDataAsSpan<float>());
        using var runOptions = new RunOptions();
        for (int i = 0; i < 2; i++)
        {
            using var outputs = session.Run(runOptions, [DaClipModelTensors.Pixels], [input], DaClipModelTensors.Outputs);
        }
        var profilePath = session.EndProfiling();
        var summary = OrtProfileSummary.Read(profilePath);
        if (s.KeepOnnx is not null) File.Delete(profilePath);
        log.WriteLine();
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ONNX Runtime profile of one run after a warm-up: run {summary.RunMs / 1000:F2} s, kernels {summary.TotalMs / 1000:F2} s, " +
            $"activation memory in use at peak {(summary.PeakBytesInUse is long b ? $"{b / 1e6:F0} MB" : "n/a")}; load average {LoadAverage()}"));
        log.WriteLine("| operator | ms | share of kernel time | kernels |");
        log.WriteLine("|---|---|---|---|");
        foreach (var e in summary.ByOperator.Take(12))
            log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {e.Key} | {e.Ms:F0} | {e.Ms / summary.TotalMs:P1} | {e.Calls} |"));
        log.WriteLine();
        log.WriteLine("| graph part | ms | share of kernel time |");
        log.WriteLine("|---|---|---|");
        foreach (var e in summary.ByPart)
            log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {e.Key} | {e.Ms:F1} | {e.Ms / summary.TotalMs:P1} |"));
    }

    private static Timings Time(Settings s, Action run)
    {
        var wall = new List<double>();
        var cpu = new List<double>();
        for (int i = 0; i < s.Warmup + s.Runs; i++)
        {
            var cpu0 = Environment.CpuUsage.TotalTime;
            var sw = Stopwatch.StartNew();
            run();
            if (i < s.Warmup) continue;
            wall.Add(sw.Elapsed.TotalSeconds);
            cpu.Add((Environment.CpuUsage.TotalTime - cpu0).TotalSeconds);
        }
        return new Timings(wall, cpu);
    }

    private static string AttentionName(Settings s) => s.FusedAttention ? "fused" : "standard";

    /// <summary>The 1, 5 and 15 minute load averages (other processes compete for the cores), or "n/a".</summary>
    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static double Median(List<double> xs)
    {
        var sorted = xs.Order().ToList();
        int n = sorted.Count;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
