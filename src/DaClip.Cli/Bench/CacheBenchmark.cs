using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using DaClip.MLNet;
using DaClip.MLNet.Training.Clip;
using DaClip.MLNet.Training.Clip.Text;
using DaClip.MLNet.Training.Network;
using DaClip.MLNet.Training.Synthetic;
using DaClip.MLNet.Training;

namespace DaClip.Cli.Bench;

/// <summary>
/// <c>daclip bench cache</c>: epoch wall and CPU times of DA-CLIP training with the feature cache on a backbone of real
/// dimensions (random weights; ViT-L/14@336px by default), so that the share of the frozen vision tower is the real one.
/// Epoch 1 encodes every image once; later epochs read the cache. Also peak memory. Results go to docs/benchmarks.md.
/// </summary>
internal static class CacheBenchmark
{
    public static Command CreateCommand()
    {
        var arch = new Option<string>("--arch") { Description = "Backbone dimensions: " + string.Join(", ", ClipConfig.Known.Keys) + " or tiny.", DefaultValueFactory = _ => "ViT-L/14@336px" };
        var size = new Option<int>("--size") { Description = "Image side S (0 = the backbone's native resolution).", DefaultValueFactory = _ => 0 };
        var images = new Option<int>("--images") { Description = "Training images (half anomalous).", DefaultValueFactory = _ => 16 };
        var epochs = new Option<int>("--epochs") { Description = "Epochs (at least 2).", DefaultValueFactory = _ => 3 };
        var cache = new Option<string>("--cache") { Description = "memory or disk.", DefaultValueFactory = _ => "memory" };
        cache.AcceptOnlyFromAmong("memory", "disk");
        var json = BenchJson.Option();
        var command = new Command("cache", "Training epoch times with the feature cache on a real-size backbone (random weights).");
        foreach (var o in new Option[] { arch, size, images, epochs, cache, json }) command.Options.Add(o);
        command.SetAction(parse => Run(parse.GetValue(arch)!, parse.GetValue(size), parse.GetValue(images), Math.Max(2, parse.GetValue(epochs)),
            parse.GetValue(cache) == "disk" ? FeatureCacheMode.Disk : FeatureCacheMode.Memory, parse.GetValue(json), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        return command;
    }

    private static int Run(string arch, int size, int images, int epochs, FeatureCacheMode mode, bool json, TextWriter stdout, TextWriter stderr)
    {
        var output = BenchJson.Log(json, stdout, stderr);
        var config = arch == "tiny" ? ClipConfig.Tiny : ClipConfig.Known.TryGetValue(arch, out var c) ? c : null;
        if (config is null)
        {
            stderr.WriteLine($"error: unknown --arch {arch}; use one of {string.Join(", ", ClipConfig.Known.Keys)} or tiny.");
            return 2;
        }
        int s = size > 0 ? size : config.ImageResolution;
        using var clip = new ClipModel(config, seed: 1);
        clip.eval();
        var options = new DaClipModelOptions { ImageSize = s };
        var prompts = PromptBank.Create(options, TinyWordTokenizer.Instance);
        var generator = new SyntheticDefectGenerator(new SyntheticDefectOptions
        {
            ImageSize = s, Seed = 3, TrainGoodPerClass = 0, TestGoodPerClass = Math.Max(1, images / 2), TestAnomalousPerClass = Math.Max(1, images - images / 2),
            Categories = [SyntheticCategory.Nut],
        });
        var data = new InMemoryTrainingSet(generator.TestImages(SyntheticCategory.Nut).Take(images)
            .Select(i => new TrainingExample(i.ToChw(), i.IsAnomalous ? i.Mask.Select(v => v > 0 ? (byte)1 : (byte)0).ToArray() : null, i.IsAnomalous)).ToList());
        using var cacheDir = mode == FeatureCacheMode.Disk ? new TempFolder() : null;
        var training = new DaClipTrainingOptions { Epochs = epochs, BatchSize = 8, Seed = 1, FeatureCache = mode, FeatureCacheDirectory = cacheDir?.Path };
        var trainer = DaClipTrainer.Create(clip, prompts, options, training);

        using var self = Process.GetCurrentProcess();
        var cpuMarks = new List<TimeSpan> { self.TotalProcessorTime };
        var progress = new EpochCpu(self, cpuMarks, epochs);
        var result = trainer.Train(data, progress);
        self.Refresh();

        output.WriteLine($"Backbone {config.Describe()} with random weights, S = {s} ({trainer.Network.Grid}x{trainer.Network.Grid} patches), {data.Count} images, batch 8, cache {result.CacheMode}.");
        output.WriteLine($"Load average at the end: {LoadAverage()}.");
        output.WriteLine();
        output.WriteLine("| epoch | wall s | CPU s | share of epoch 1 (wall) |");
        output.WriteLine("|---|---|---|---|");
        for (int e = 0; e < result.EpochSeconds.Count; e++)
        {
            double cpu = e + 1 < cpuMarks.Count ? (cpuMarks[e + 1] - cpuMarks[e]).TotalSeconds : double.NaN;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {e + 1} | {result.EpochSeconds[e]:F1} | {cpu:F1} | {result.EpochSeconds[e] / result.EpochSeconds[0] * 100:F1} % |"));
        }
        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Vision tower (epoch 1 only): {result.FeatureSeconds:F1} s. Peak working set {self.PeakWorkingSet64 / (1024.0 * 1024):F0} MiB."));
        if (json)
        {
            BenchJson.Write(stdout, new
            {
                Arch = config.Describe(), Size = s, Images = data.Count, Epochs = epochs, Cache = result.CacheMode.ToString(),
                EpochWallS = result.EpochSeconds.ToArray(),
                EpochCpuS = Enumerable.Range(0, result.EpochSeconds.Count).Select(e => e + 1 < cpuMarks.Count ? (cpuMarks[e + 1] - cpuMarks[e]).TotalSeconds : (double?)null).ToArray(),
                FeatureS = result.FeatureSeconds, PeakWorkingSetBytes = self.PeakWorkingSet64, LoadAverage = LoadAverage(),
            });
        }
        return 0;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    /// <summary>Records the process CPU time at the end of every epoch (the last step's progress report).</summary>
    private sealed class EpochCpu(Process process, List<TimeSpan> marks, int epochs) : IProgress<DaClipTrainingProgress>
    {
        public void Report(DaClipTrainingProgress value)
        {
            if (value.Phase != "train" || value.Step != value.StepsPerEpoch || marks.Count > epochs) return;
            process.Refresh();
            marks.Add(process.TotalProcessorTime);
        }
    }

    private sealed class TempFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("daclip-bench-cache-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
