using System.Text.Json;
using DaClip.MLNet.Imaging;
using DaClip.MLNet.Scoring;
using DaClip.MLNet.Tests.Imaging;
using DaClip.MLNet.Tests.Infrastructure;
using Microsoft.ML;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Cli;

/// <summary>
/// <c>daclip predict --maps-out dir [--map-size model|source]</c> on images of other sizes than S: the float32 files hold
/// the maps the library's transformer returns with <see cref="DaClipScoringOptions.MapSize"/>, at S x S or at each
/// image's own width x height; misuse exits 2 with the fix.
/// </summary>
[TestClass]
public sealed class PredictMapsTests
{
    private static TinyCliModel _model = null!;
    private static string _images = "";

    [ClassInitialize]
    public static void Setup(TestContext _)
    {
        _model = TinyCliModel.Create("cli-maps");
        _images = _model.Dir.File("odd-sizes");
        Directory.CreateDirectory(_images);
        var rng = new Random(9);
        foreach (var (w, h) in new[] { (45, 30), (20, 52), (32, 32) })
        {
            var samples = Enumerable.Range(0, w * h * 3).Select(_ => rng.Next(256)).ToArray();
            File.WriteAllBytes(Path.Combine(_images, $"img_{w}x{h}.png"), TestImageFiles.Png(w, h, 2, 8, samples));
        }
    }

    [ClassCleanup]
    public static void Cleanup() => _model.Dispose();

    [TestMethod]
    [DataRow("source")]
    [DataRow("model")]
    public void Map_files_hold_the_transformers_maps(string size)
    {
        var maps = _model.Dir.File("maps-" + size);
        var (exit, output, err) = CliRunner.Run("predict", "--model", _model.ModelPath, _images, "--maps-out", maps, "--map-size", size, "--json");
        Assert.AreEqual(0, exit, err);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var images = Directory.EnumerateFiles(_images, "*.png").Order(StringComparer.Ordinal).ToList();
        Assert.AreEqual(images.Count, lines.Count);

        var ml = new MLContext();
        using var loaded = DaClipTransformer.Load(ml, _model.ModelPath);
        var mapSize = size == "source" ? AnomalyMapSize.Source : AnomalyMapSize.Model;
        var data = ml.Data.LoadFromEnumerable(images.Select(p => new Row { Image = p }));
        using var reference = ml.Transforms.ApplyDaClipModel(loaded.GetOnnxModel(), new DaClipScoringOptions { MapSize = mapSize }).Fit(data);
        var expected = reference.ScoreBatch(data);
        for (int i = 0; i < images.Count; i++)
        {
            var line = lines[i];
            Assert.AreEqual(images[i], line.GetProperty("image").GetString());
            var decoded = ImageDecoder.Decode(images[i]);
            var (w, h) = size == "source" ? (decoded.Width, decoded.Height) : (TinyCliModel.Size, TinyCliModel.Size);
            Assert.AreEqual((w, h), (line.GetProperty("map_width").GetInt32(), line.GetProperty("map_height").GetInt32()), images[i]);
            Assert.AreEqual((w, h), (expected[i].MapWidth, expected[i].MapHeight));
            var file = line.GetProperty("map").GetString()!;
            Assert.AreEqual(Path.Combine(maps, "odd-sizes", Path.GetFileNameWithoutExtension(images[i]) + ".f32"), file, "folder arguments keep their layout");
            var bytes = File.ReadAllBytes(file);
            var values = new float[bytes.Length / sizeof(float)];
            Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
            Assert.AreEqual(w * h, values.Length, file);
            Tolerance.AssertClose(values, expected[i].AnomalyMap, 1e-6, 1e-6, file);
        }
    }

    [TestMethod]
    [DataRow("--map-size|source", "add --maps-out")]
    [DataRow("--maps-out|MAPS|--map-size|huge", "use 'model'")]
    public void Misuse_exits_2_with_the_fix(string args, string message)
    {
        var extra = args.Replace("MAPS", _model.Dir.File("maps-bad")).Split('|');
        var (exit, _, err) = CliRunner.Run(["predict", "--model", _model.ModelPath, _images, .. extra]);
        Assert.AreEqual(2, exit, err);
        StringAssert.Contains(err, message);
    }

    private sealed class Row
    {
        public string Image { get; set; } = "";
    }
}
