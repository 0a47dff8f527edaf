using System.CommandLine;
using System.Diagnostics;
using DaClip.MLNet.Metrics;

namespace DaClip.Cli.Bench;

/// <summary>
/// <c>daclip bench metrics [--images 2000] [--size 518] [--mode streaming|exact] [--classes 12] [--seed 1]</c>: runs the
/// <see cref="SegmentationEvaluator"/> on synthetic maps made on the fly (in parallel batches, added in index order, so
/// the result is deterministic) and prints wall time, peak memory and GC counts. Results go to docs/benchmarks.md.
/// </summary>
internal static class MetricsBenchmark
{
    private const int BatchSize = 16;

    public static Command CreateCommand()
    {
        var images = new Option<int>("--images") { Description = "Number of synthetic maps.", DefaultValueFactory = _ => 2000 };
        var size = new Option<int>("--size") { Description = "Side of each square map in pixels.", DefaultValueFactory = _ => 518 };
        var mode = new Option<string>("--mode") { Description = "Evaluator mode.", DefaultValueFactory = _ => "streaming" };
        mode.AcceptOnlyFromAmong("streaming", "exact");
        var classes = new Option<int>("--classes") { Description = "Classes the maps are spread over (VisA has 12).", DefaultValueFactory = _ => 12 };
        var seed = new Option<int>("--seed") { Description = "Seed of the synthetic set.", DefaultValueFactory = _ => 1 };
        var bits = new Option<int>("--mantissa-bits")
        {
            Description = "Streaming histogram resolution (SegmentationEvaluatorOptions.StreamingMantissaBits, 4..20).",
            DefaultValueFactory = _ => new SegmentationEvaluatorOptions().StreamingMantissaBits,
        };
        var json = BenchJson.Option();
        var command = new Command("metrics", "Segmentation evaluator (image/pixel AUROC, AP, F1-max, PRO in three conventions) on synthetic maps.");
        foreach (var option in new Option[] { images, size, mode, classes, seed, bits, json }) command.Options.Add(option);
        AtLeast(images, 1);
        AtLeast(size, 8);
        AtLeast(classes, 1);
        bits.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 4 or > 20) result.AddError("--mantissa-bits must lie in 4..20.");
        });
        command.SetAction(parse => Run(
            parse.GetValue(images), parse.GetValue(size),
            parse.GetValue(mode) == "exact" ? SegmentationEvaluationMode.Exact : SegmentationEvaluationMode.Streaming,
            parse.GetValue(classes), parse.GetValue(seed), parse.GetValue(bits), parse.GetValue(json), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        return command;
    }

    private static void AtLeast(Option<int> option, int minimum) =>
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < minimum) result.AddError($"{option.Name} must be at least {minimum}.");
        });

    public static int Run(int images, int size, SegmentationEvaluationMode mode, int classes, int seed, int mantissaBits, bool json, TextWriter stdout, TextWriter stderr)
    {
        var output = BenchJson.Log(json, stdout, stderr);
        var generator = new SyntheticAnomalyMaps(size, classes, seed);
        var evaluator = new SegmentationEvaluator(new SegmentationEvaluatorOptions { Mode = mode, StreamingMantissaBits = mantissaBits });
        int batch = Math.Min(BatchSize, images);
        var maps = new float[batch][];
        var masks = new byte[batch][];
        var labels = new (bool Anomalous, float Score)[batch];
        for (int i = 0; i < batch; i++)
        {
            maps[i] = new float[size * size];
            masks[i] = new byte[size * size];
        }

        long pixels = (long)images * size * size;
        string resolution = mode == SegmentationEvaluationMode.Streaming ? $" ({mantissaBits} mantissa bits)" : "";
        output.WriteLine($"Segmentation evaluator benchmark: {images} maps of {size} x {size} ({pixels:N0} pixels), {classes} classes, seed {seed}, " +
            $"mode {mode}{resolution}, {Environment.ProcessorCount} logical CPUs, {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC");
        var generation = new Stopwatch();
        var adding = new Stopwatch();
        var total = Stopwatch.StartNew();
        for (int start = 0; start < images; start += batch)
        {
            int count = Math.Min(batch, images - start);
            generation.Start();
            Parallel.For(0, count, i => labels[i] = generator.Generate(start + i, maps[i], masks[i]));
            generation.Stop();
            adding.Start();
            for (int i = 0; i < count; i++)
                evaluator.Add(generator.ClassOf(start + i), labels[i].Anomalous, labels[i].Score, maps[i],
                    labels[i].Anomalous ? masks[i] : [], size, size);
            adding.Stop();
        }
        var evaluation = Stopwatch.StartNew();
        var result = evaluator.Evaluate();
        evaluation.Stop();
        total.Stop();

        using var process = Process.GetCurrentProcess();
        process.Refresh();
        long peakWorkingSet = process.PeakWorkingSet64;
        var gc = GC.GetGCMemoryInfo();
        long allocated = GC.GetTotalAllocatedBytes();
        int gen0 = GC.CollectionCount(0), gen1 = GC.CollectionCount(1), gen2 = GC.CollectionCount(2);
        var pause = GC.GetTotalPauseDuration();
        // Measured last: a full collection, to separate what the evaluator keeps from garbage the GC had not yet reclaimed.
        long live = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(evaluator);
        double evaluatorSeconds = adding.Elapsed.TotalSeconds + evaluation.Elapsed.TotalSeconds;
        output.WriteLine();
        output.WriteLine("| quantity | value |");
        output.WriteLine("|---|---|");
        output.WriteLine($"| wall time, total | {total.Elapsed.TotalSeconds:F2} s |");
        output.WriteLine($"| of which synthetic map generation (parallel) | {generation.Elapsed.TotalSeconds:F2} s |");
        output.WriteLine($"| of which evaluator Add (labelling + counting) | {adding.Elapsed.TotalSeconds:F2} s |");
        output.WriteLine($"| of which evaluator Evaluate (tables + metrics) | {evaluation.Elapsed.TotalSeconds:F2} s |");
        output.WriteLine($"| evaluator throughput | {pixels / evaluatorSeconds / 1e6:F0} M pixels/s |");
        output.WriteLine($"| peak working set (Process.PeakWorkingSet64) | {peakWorkingSet / 1048576.0:F0} MiB |");
        output.WriteLine($"| GC heap size / committed at the last GC | {gc.HeapSizeBytes / 1048576.0:F0} MiB / {gc.TotalCommittedBytes / 1048576.0:F0} MiB |");
        output.WriteLine($"| managed memory the evaluator holds (after a full GC) | {live / 1048576.0:F0} MiB |");
        output.WriteLine($"| allocated in total | {allocated / 1048576.0:F0} MiB |");
        output.WriteLine($"| GC collections gen0 / gen1 / gen2, pause | {gen0} / {gen1} / {gen2}, {pause.TotalMilliseconds:F0} ms |");
        var m = result.Mean;
        output.WriteLine();
        output.WriteLine($"Mean over {result.PerClass.Count} classes ({result.PerClass.Sum(c => c.RegionCount)} regions):");
        output.WriteLine($"  image AUROC {m.ImageAuroc:F8}  AP {m.ImageAveragePrecision:F8}  F1-max {m.ImageF1Max:F8}");
        output.WriteLine($"  pixel AUROC {m.PixelAuroc:F8}  AP {m.PixelAveragePrecision:F8}  F1-max {m.PixelF1Max:F8}");
        output.WriteLine($"  PRO exact {m.PixelAuproExact:F8}  AnomalyCLIP {m.PixelAuproAnomalyClip:F8}  anomalib {m.PixelAuproAnomalib:F8}");
        if (json)
        {
            BenchJson.Write(stdout, new
            {
                Images = images, Size = size, Mode = mode.ToString(), Classes = classes, Seed = seed, MantissaBits = mantissaBits, Pixels = pixels,
                WallS = total.Elapsed.TotalSeconds, GenerationS = generation.Elapsed.TotalSeconds, AddS = adding.Elapsed.TotalSeconds,
                EvaluateS = evaluation.Elapsed.TotalSeconds, PixelsPerS = pixels / evaluatorSeconds, PeakWorkingSetBytes = peakWorkingSet,
                HeldBytes = live, AllocatedBytes = allocated, GcCollections = new[] { gen0, gen1, gen2 }, GcPauseS = pause.TotalSeconds,
                Regions = result.PerClass.Sum(c => c.RegionCount),
                ImageAuroc = m.ImageAuroc, ImageAp = m.ImageAveragePrecision, ImageF1Max = m.ImageF1Max,
                PixelAuroc = m.PixelAuroc, PixelAp = m.PixelAveragePrecision, PixelF1Max = m.PixelF1Max,
                ProExact = m.PixelAuproExact, ProAnomalyclip = m.PixelAuproAnomalyClip, ProAnomalib = m.PixelAuproAnomalib,
            });
        }
        return 0;
    }
}
