using DaClip.MLNet.Imaging;
using DaClip.MLNet.IO;
using DaClip.MLNet.Scoring;
using DaClip.MLNet.Tests.Infrastructure;
using DaClip.MLNet.Tests.MLNet;
using DaClip.MLNet.Training.Clip;
using Microsoft.ML;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Reliability;

/// <summary>
/// Issue 9, the generated corpus: a few hundred seeded damaged images, model zips and safetensors files go through the
/// public entry points (decoder, mask loader, batch scorer, model loader, safetensors reader, checkpoint inspector) and,
/// for a sample, through <c>daclip predict</c> and <c>daclip inspect-weights</c> in process. Every failure must be one of
/// the project's typed exceptions (a <see cref="DaClipException"/>) or exit code 2 with a one-line message; the process
/// must not crash; no file outside the output folder may change; no temporary or partial file may be left.
/// </summary>
[TestClass]
public class CorruptCorpusTests
{
    private const int Images = 240, Zips = 30, SafetensorsFiles = 90;
    private static ScoringFixture _f = null!;
    private static byte[] _zip = null!;

    [ClassInitialize]
    public static void Setup(TestContext _)
    {
        _f = new ScoringFixture("reliability-corpus", 2, seed: 8);
        var ml = new MLContext(seed: 1);
        using var model = ml.Transforms.ApplyDaClipModel(_f.ModelPath).Fit(_f.Rows(ml));
        model.Save(_f.File("model.zip"));
        _zip = File.ReadAllBytes(_f.File("model.zip"));
    }

    [ClassCleanup]
    public static void Cleanup() => _f.Dispose();

    [TestMethod]
    public void DamagedImages_GiveOnlyTypedErrors_InDecoderMaskLoaderAndScorer()
    {
        using var dir = new TempDir("corpus-images");
        var corpus = new CorruptCorpus(seed: 2024);
        var paths = new List<string>();
        var failures = new List<string>();
        int typed = 0;
        using var scorer = new DaClipOnnxScorer(_f.Model, new DaClipScorerOptions { Provider = ExecutionProvider.Cpu, IntraOpThreads = 1 });
        for (int i = 0; i < Images; i++)
        {
            var (kind, bytes) = corpus.Image();
            var path = dir.File($"{i:D3}.img");
            File.WriteAllBytes(path, bytes);
            paths.Add(path);
            foreach (var (entry, action) in new (string, Action)[]
            {
                ("ImageDecoder.Decode(path)", () => ImageDecoder.Decode(path)),
                ("ImageDecoder.Decode(bytes)", () => ImageDecoder.Decode(bytes, path)),
                ("MaskLoader.Load", () => MaskLoader.Load(path, 16)),
                ("DaClipOnnxScorer.Score", () => scorer.Score(path)),
            })
            {
                if (Outcome(action) is { } e)
                {
                    if (e is DaClipException) typed++;
                    else failures.Add($"{entry} on {kind} image {path}: {e.GetType().Name}: {e.Message}");
                }
            }
        }
        Assert.AreEqual(0, failures.Count, string.Join("\n", failures.Take(10)));
        Assert.IsTrue(typed >= Images * 2, $"most damaged images are refused ({typed} typed errors over {Images} images x 4 entry points)");
        Assert.AreEqual(Images, Directory.GetFiles(dir.Path).Length, "reading changed no file");
    }

    [TestMethod]
    public void DamagedModelZips_GiveOnlyDaClipFileFormatExceptionsNamingTheFile()
    {
        using var dir = new TempDir("corpus-zips");
        var corpus = new CorruptCorpus(seed: 77);
        var failures = new List<string>();
        int refused = 0;
        for (int i = 0; i < Zips; i++)
        {
            var (kind, bytes) = corpus.ModelZip(_zip);
            var path = dir.File($"{i:D2}.zip");
            File.WriteAllBytes(path, bytes);
            var e = Outcome(() => DaClipTransformer.Load(new MLContext(seed: 1), path).Dispose());
            if (e is null) continue;
            refused++;
            if (e is not DaClipFileFormatException || !e.Message.Contains(path, StringComparison.Ordinal))
                failures.Add($"{kind} {path}: {e.GetType().Name}: {e.Message}");
        }
        Assert.AreEqual(0, failures.Count, string.Join("\n", failures.Take(10)));
        Assert.IsTrue(refused >= Zips * 3 / 4, $"{refused} of {Zips} damaged zips refused");
    }

    [TestMethod]
    public void DamagedSafetensors_GiveOnlyTypedErrorsNamingTheFile()
    {
        using var dir = new TempDir("corpus-st");
        var valid = File.ReadAllBytes(MalformedSafetensors.WriteClipHead(dir.File("valid.safetensors"), "ln_final.weight", [16]));
        var corpus = new CorruptCorpus(seed: 5);
        var failures = new List<string>();
        int refused = 0;
        for (int i = 0; i < SafetensorsFiles; i++)
        {
            var (kind, bytes) = corpus.Safetensors(valid);
            var path = dir.File($"{i:D2}.safetensors");
            File.WriteAllBytes(path, bytes);
            var open = Outcome(() => SafetensorsFile.Open(path).Dispose());
            if (open is not null and not DaClipFileFormatException) failures.Add($"SafetensorsFile.Open, {kind} {path}: {open.GetType().Name}: {open.Message}");
            var inspect = Outcome(() => ClipCheckpoint.Inspect(path));
            if (inspect is null) continue;
            refused++;
            if (inspect is not ClipCheckpointException || !inspect.Message.Contains(path, StringComparison.Ordinal))
                failures.Add($"ClipCheckpoint.Inspect, {kind} {path}: {inspect.GetType().Name}: {inspect.Message}");
        }
        Assert.AreEqual(0, failures.Count, string.Join("\n", failures.Take(10)));
        Assert.AreEqual(SafetensorsFiles, refused, "a CLIP head without its blocks is never a whole checkpoint");
    }

    [TestMethod]
    public void Cli_OnDamagedInputs_ExitsTwo_TouchesNothingOutsideItsOutput_LeavesNoPartialFile()
    {
        using var dir = new TempDir("corpus-cli");
        var inputs = Directory.CreateDirectory(dir.File("photos")).FullName;
        var corpus = new CorruptCorpus(seed: 9);
        File.Copy(_f.Images[0].Path, Path.Combine(inputs, "000-good.png"));
        for (int i = 1; i <= 12; i++) File.WriteAllBytes(Path.Combine(inputs, $"{i:D3}-damaged.png"), corpus.Image().Bytes);
        var zips = Enumerable.Range(0, 4).Select(i =>
        {
            var path = dir.File($"bad-{i}.zip");
            File.WriteAllBytes(path, corpus.ModelZip(_zip).Bytes);
            return path;
        }).ToList();
        var model = dir.File("model.zip");
        File.WriteAllBytes(model, _zip);
        var checkpoint = dir.File("clip.safetensors");
        File.WriteAllBytes(checkpoint, corpus.Safetensors(File.ReadAllBytes(MalformedSafetensors.WriteClipHead(dir.File("head.safetensors"), "ln_final.weight", [16]))).Bytes);
        var heatmaps = dir.File("heatmaps");
        var before = Snapshot(dir.Path);

        var runs = new List<string[]> { new[] { "predict", "--model", model, inputs, "--heatmaps", heatmaps }, new[] { "inspect-weights", checkpoint } };
        runs.AddRange(zips.Select(z => new[] { "predict", "--model", z, Path.Combine(inputs, "000-good.png"), "--heatmaps", heatmaps }));
        foreach (var args in runs)
        {
            var (exit, _, err) = CliRunner.Run(args);
            Assert.AreEqual(2, exit, $"{string.Join(' ', args)}: {err}");
            Assert.IsFalse(err.Contains("   at ", StringComparison.Ordinal), $"no stack trace: {err}");
            StringAssert.Contains(err.TrimEnd().Split('\n')[^1], $"daclip {args[0]}: ");
        }

        var after = Snapshot(dir.Path);
        var changed = after.Where(kv => !before.TryGetValue(kv.Key, out var b) || b != kv.Value).Select(kv => kv.Key)
            .Concat(before.Keys.Where(k => !after.ContainsKey(k))).ToList();
        Assert.IsTrue(changed.All(p => p.StartsWith(heatmaps + Path.DirectorySeparatorChar, StringComparison.Ordinal)),
            "only the heatmaps folder changes: " + string.Join(", ", changed));
        Assert.IsFalse(after.Keys.Any(p => p.EndsWith(".tmp", StringComparison.Ordinal)), "no temporary file is left");
        foreach (var png in after.Keys.Where(p => p.StartsWith(heatmaps, StringComparison.Ordinal)))
            Assert.IsTrue(ImageDecoder.Decode(png).Width > 0, $"{png} is a complete image");
    }

    private static Exception? Outcome(Action action)
    {
        try
        {
            action();
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    private static Dictionary<string, (long Length, DateTime Written)> Snapshot(string root) =>
        Directory.EnumerateFiles(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .ToDictionary(p => p, p => (new FileInfo(p).Length, File.GetLastWriteTimeUtc(p)));
}
