using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using DaClip.MLNet;
using DaClip.MLNet.Scoring;
using DaClip.MLNet.Training.Clip;
using DaClip.MLNet.Training.Export;
using DaClip.MLNet.Training.Network;
using Microsoft.ML.OnnxRuntime;
using TorchSharp;
using static TorchSharp.torch;

namespace DaClip.Cli.Bench;

/// <summary>
/// <c>daclip bench infer</c>: full DA-CLIP inference at real size (ViT-L/14@336 dimensions, seeded random weights,
/// default options) on CPU, batch 1: the exported ONNX model on ONNX Runtime against the TorchSharp reference
/// (<see cref="DaClipNetwork.Predict"/>) on the same weights in the same process. Prints median latency, peak
/// resident memory of each phase, the ratio and the largest output difference; with <c>--profile</c> also where ONNX
/// Runtime spends its time. Results are recorded in docs/benchmarks.md.
/// </summary>
internal static class InferenceBenchmark
{
    public static Command CreateCommand()
    {
        var size = new Option<int>("--size") { Description = "Input side S: 336 (native grid 24) or 518 (grid 37, the paper's).", DefaultValueFactory = _ => 518 };
        size.Validators.Add(r =>
        {
            if (r.GetValue(size) is not (336 or 518)) r.AddError("--size must be 336 or 518.");
        });
        var runs = new Option<int>("--runs") { Description = "Timed runs of each engine (after the warm-up).", DefaultValueFactory = _ => 3 };
        var warmup = new Option<int>("--warmup") { Description = "Untimed runs of each engine first.", DefaultValueFactory = _ => 1 };
        var threads = new Option<int>("--threads") { Description = "Threads for TorchSharp and ONNX Runtime (intra-op).", DefaultValueFactory = _ => Environment.ProcessorCount };
        var scan = new Option<DarScanForm>("--scan") { Description = "Selective-scan form of the exported graph.", DefaultValueFactory = _ => DarScanForm.Parallel };
        var precision = new Option<OnnxPrecision>("--precision") { Description = "Precision of the exported graph (Float16 is meant for GPUs).", DefaultValueFactory = _ => OnnxPrecision.Float32 };
        var attention = new Option<bool>("--standard-attention") { Description = "Export attention as standard ONNX operators instead of ONNX Runtime's fused MultiHeadAttention." };
        var skipReference = new Option<bool>("--skip-reference") { Description = "Time ONNX Runtime only (no TorchSharp reference, no comparison)." };
        var profile = new Option<bool>("--profile") { Description = "Profile one more ONNX Runtime run (after a warm-up) and print the time per operator and per graph part." };
        var seed = new Option<int>("--seed") { Description = "Seed of the random weights and pixels.", DefaultValueFactory = _ => 0 };
        foreach (var o in new[] { runs, threads })
            o.Validators.Add(r =>
            {
                if (r.GetValue(o) < 1) r.AddError($"{o.Name} must be at least 1.");
            });
        warmup.Validators.Add(r =>
        {
            if (r.GetValue(warmup) < 0) r.AddError("--warmup must be 0 or more.");
        });

        var command = new Command("infer",
            "DA-CLIP inference at ViT-L/14@336 size on CPU: ONNX Runtime (exported graph) vs TorchSharp (reference), batch 1.")
        {
            size, runs, warmup, threads, scan, precision, attention, skipReference, profile, seed,
        };
        command.SetAction(parse => Run(new Settings(parse.GetValue(size), parse.GetValue(runs), parse.GetValue(warmup), parse.GetValue(threads),
            parse.GetValue(scan), parse.GetValue(precision), !parse.GetValue(attention), parse.GetValue(skipReference), parse.GetValue(profile), parse.GetValue(seed))));
        return command;
    }

    private sealed record Settings(int Size, int Runs, int Warmup, int Threads, DarScanForm Scan, OnnxPrecision Precision, bool FusedAttention,
        bool SkipReference, bool Profile, int Seed);

    /// <summary>Wall-clock and process CPU seconds of each timed run.</summary>
    private sealed record Timings(List<double> Wall, List<double> Cpu)
    {
        public double MedianWall => Median(Wall);

        public double MedianCpu => Median(Cpu);

        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"median {MedianWall:F2} s wall, {MedianCpu:F2} s CPU (runs: {string.Join(", ", Wall.Select(t => t.ToString("F2", CultureInfo.InvariantCulture)))} s)");
    }

    private static int Run(Settings s)
    {
        var config = ClipConfig.VitL14At336;
        var options = new DaClipModelOptions { ImageSize = s.Size };
        int grid = s.Size / config.VisionPatchSize;
        Console.WriteLine($"# daclip bench infer: {config.ArchitectureName} dimensions, random weights (seed {s.Seed}), S = {s.Size} (grid {grid}), " +
                          $"batch 1, {s.Threads} thread(s), export {s.Precision} / scan {s.Scan} / {AttentionName(s)} attention; {s.Warmup} warm-up + {s.Runs} timed run(s) each; load average {LoadAverage()}");
        torch.set_num_threads(s.Threads);
        var folder = Path.Combine(Path.GetTempPath(), $"daclip-bench-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            var sw = Stopwatch.StartNew();
            using var clip = new ClipModel(config, s.Seed);
            clip.eval();
            var tokenizer = TinyWordTokenizer.Instance;
            var prompts = PromptBank.Create(options, tokenizer.EncodeBpe, tokenizer.SotId, tokenizer.EotId, config.ContextLength);
            using var net = new DaClipNetwork(clip, prompts, options, s.Seed);
            Console.WriteLine($"model built in {sw.Elapsed.TotalSeconds:F1} s");

            sw.Restart();
            var path = Path.Combine(folder, "daclip.onnx");
            DaClipOnnxExporter.Export(net, path, new DaClipExportOptions { ScanForm = s.Scan, Precision = s.Precision, FusedAttention = s.FusedAttention });
            long modelBytes = Directory.GetFiles(folder).Sum(f => new FileInfo(f).Length);
            double exportSeconds = sw.Elapsed.TotalSeconds;
            Console.WriteLine($"exported in {exportSeconds:F1} s ({modelBytes / 1e6:F0} MB)");

            var rng = new Random(s.Seed);
            var pixels = new float[3 * s.Size * s.Size];
            for (int i = 0; i < pixels.Length; i++) pixels[i] = (float)rng.NextDouble();

            // ONNX Runtime first, through the scorer, so that its memory is measured from a baseline of the network's weights.
            ReleaseManagedMemory();
            long? ortBase = ProcessMemory.Current;
            bool resettable = ProcessMemory.ResetPeak();
            sw.Restart();
            var scorerOptions = new DaClipScorerOptions { Provider = ExecutionProvider.Cpu, IntraOpThreads = s.Threads, Log = _ => { } };
            DaClip.MLNet.Scoring.DaClipPrediction ort = default!;
            Timings ortTimes;
            double loadSeconds;
            using (var scorer = new DaClipOnnxScorer(path, scorerOptions))
            {
                loadSeconds = sw.Elapsed.TotalSeconds;
                ortTimes = Time(s, () => ort = scorer.ScorePixels(pixels, 1)[0]);
            }
            long? ortPeak = ProcessMemory.Peak;
            Console.WriteLine($"ONNX Runtime: {ortTimes} (session created in {loadSeconds:F1} s)");
            string Mem(long? basis, long? peak) => resettable ? $"{ProcessMemory.Gib(peak)} (+{ProcessMemory.Gib(peak - basis)})" : ProcessMemory.Gib(peak);

            if (!s.SkipReference)
            {
                // TorchSharp reference.
                ReleaseManagedMemory();
                long? torchBase = ProcessMemory.Current;
                ProcessMemory.ResetPeak();
                Reference reference = default!;
                var torchTimes = Time(s, () =>
                {
                    using var scope = torch.NewDisposeScope();
                    using var input = torch.tensor(pixels, [1, 3, s.Size, s.Size]);
                    using var p = net.Predict(input);
                    reference = new Reference(p.Score.data<float>().ToArray(), p.AnomalyMap.data<float>().ToArray(),
                        p.GlobalProbability.data<float>().ToArray(), p.PatchMap.data<float>().ToArray());
                });
                long? torchPeak = ProcessMemory.Peak;
                Console.WriteLine($"TorchSharp: {torchTimes}");

                double dScore = MaxAbs([ort.Score], reference.Score), dMap = MaxAbs(ort.AnomalyMap, reference.AnomalyMap);
                double dGlobal = MaxAbs([ort.GlobalProb], reference.GlobalProb), dPatch = MaxAbs(ort.PatchMap, reference.PatchMap);
                Console.WriteLine();
                Console.WriteLine("| S | export | TorchSharp median (wall / CPU) | ORT median (wall / CPU) | ORT / TorchSharp (wall / CPU) | max abs diff score / map / global / patch | peak RSS ORT phase | peak RSS TorchSharp phase |");
                Console.WriteLine("|---|---|---|---|---|---|---|---|");
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {s.Size} | {s.Precision}, {s.Scan} scan, {AttentionName(s)} attention | {torchTimes.MedianWall:F2} s / {torchTimes.MedianCpu:F2} s | " +
                    $"{ortTimes.MedianWall:F2} s / {ortTimes.MedianCpu:F2} s | {ortTimes.MedianWall / torchTimes.MedianWall:F2} / {ortTimes.MedianCpu / torchTimes.MedianCpu:F2} | " +
                    $"{dScore:E1} / {dMap:E1} / {dGlobal:E1} / {dPatch:E1} | {Mem(ortBase, ortPeak)} | {Mem(torchBase, torchPeak)} |"));
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Peak RSS ORT phase {Mem(ortBase, ortPeak)}; process peak (Process.PeakWorkingSet64, since the last reset) {ProcessMemory.Gib(Process.GetCurrentProcess().PeakWorkingSet64)}; " +
                $"RSS before the ORT phase {ProcessMemory.Gib(ortBase)} (network weights); export {exportSeconds:F1} s, model {modelBytes / 1e6:F0} MB; load average {LoadAverage()}."));
            if (s.Profile) Profile(s, path, pixels, folder);
            return 0;
        }
        catch (DaClipException e)
        {
            Console.Error.WriteLine("error: " + e.Message);
            return 2;
        }
        finally
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                Console.Error.WriteLine($"warning: could not delete {folder}");
            }
        }
    }

    /// <summary>Collects garbage and compacts the large-object heap, so that RSS baselines hold live data only.</summary>
    private static void ReleaseManagedMemory()
    {
        System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
    }

    private sealed record Reference(float[] Score, float[] AnomalyMap, float[] GlobalProb, float[] PatchMap);

    /// <summary>A warm-up and a profiled run on a session with the scorer's settings; prints the top operators and graph parts.</summary>
    private static void Profile(Settings s, string path, float[] pixels, string folder)
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
        var summary = OrtProfileSummary.Read(session.EndProfiling());
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ONNX Runtime profile of one run after a warm-up: run {summary.RunMs / 1000:F2} s, kernels {summary.TotalMs / 1000:F2} s, " +
            $"activation memory in use at peak {(summary.PeakBytesInUse is long b ? $"{b / 1e6:F0} MB" : "n/a")}; load average {LoadAverage()}"));
        Console.WriteLine("| operator | ms | share of kernel time | kernels |");
        Console.WriteLine("|---|---|---|---|");
        foreach (var e in summary.ByOperator.Take(12))
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {e.Key} | {e.Ms:F0} | {e.Ms / summary.TotalMs:P1} | {e.Calls} |"));
        Console.WriteLine();
        Console.WriteLine("| graph part | ms | share of kernel time |");
        Console.WriteLine("|---|---|---|");
        foreach (var e in summary.ByPart)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {e.Key} | {e.Ms:F1} | {e.Ms / summary.TotalMs:P1} |"));
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

    private static double MaxAbs(float[] a, float[] b)
    {
        if (a.Length != b.Length) throw new InvalidOperationException($"Output lengths differ: {a.Length} vs {b.Length}.");
        double m = 0;
        for (int i = 0; i < a.Length; i++) m = Math.Max(m, Math.Abs((double)a[i] - b[i]));
        return m;
    }
}
