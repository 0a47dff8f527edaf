using DaClip.MLNet.Imaging;
using DaClip.MLNet.IO;
using DaClip.MLNet.Tests.Infrastructure;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Imaging;

/// <summary>
/// <see cref="AnomalyMapResampler"/> (METHOD §5, the map back at the source size) against PyTorch's
/// <c>F.interpolate(mode='bilinear', align_corners=False)</c> as stored in the fixtures (the DA-CLIP set's
/// <c>M</c> -> <c>M_upsampled</c>, the CLIP set's positional-embedding grid 4 x 4 -> 6 x 6), and against an independent
/// tent-filter formulation for non-square sizes, downsampling and the Pad / Crop geometry.
/// </summary>
[TestClass]
public sealed class AnomalyMapResamplerTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void Matches_torch_bilinear_on_the_daclip_fixture_M_upsampled()
    {
        int sets = 0;
        foreach (var config in Fixtures.Glob("daclip", "daclip_*_config.json"))
        {
            var name = Fixtures.SetName(config, "daclip_*_config.json");
            using var io = SafetensorsFile.Open(Path.Combine(Path.GetDirectoryName(config)!, $"daclip_{name}_io.safetensors"));
            var m = io.ReadSingle("M");
            var up = io.ReadSingle("M_upsampled");
            int images = (int)io["M"].Shape[0], g = (int)io["M"].Shape[1], s = (int)io["M_upsampled"].Shape[1];
            for (int b = 0; b < images; b++)
            {
                var actual = AnomalyMapResampler.ToSource(m.AsSpan(b * g * g, g * g), g, s, s, ImageFit.Stretch);
                double err = Tolerance.AssertClose(actual, up.AsSpan(b * s * s, s * s), 1e-6, 1e-6, $"{name} M_upsampled image {b}");
                TestContext.WriteLine($"{name} M_upsampled[{b}] ({g} -> {s}): max abs {err:E2}");
            }
            sets++;
        }
        Assert.IsGreaterThan(0, sets, "no daclip_* reference set found");
    }

    [TestMethod]
    public void Matches_torch_bilinear_on_the_clip_fixture_positional_embedding_grid()
    {
        int sets = 0;
        foreach (var config in Fixtures.Glob("clip", "clip_*_config.json"))
        {
            var name = Fixtures.SetName(config, "clip_*_config.json");
            var dir = Path.GetDirectoryName(config)!;
            using var weights = SafetensorsFile.Open(Path.Combine(dir, $"clip_{name}_weights.safetensors"));
            using var io = SafetensorsFile.Open(Path.Combine(dir, $"clip_{name}_io.safetensors"));
            var source = weights.ReadSingle("visual.positional_embedding");
            var target = io.ReadSingle("interp_positional_embedding_bilinear");
            int width = (int)weights["visual.positional_embedding"].Shape[1];
            int g = (int)Math.Round(Math.Sqrt(source.Length / width - 1)), t = (int)Math.Round(Math.Sqrt(target.Length / width - 1));
            double worst = 0;
            for (int c = 0; c < width; c++)
            {
                var grid = Enumerable.Range(0, g * g).Select(p => source[(1 + p) * width + c]).ToArray();
                var expected = Enumerable.Range(0, t * t).Select(p => target[(1 + p) * width + c]).ToArray();
                worst = Math.Max(worst, Tolerance.AssertClose(AnomalyMapResampler.ToSource(grid, g, t, t, ImageFit.Stretch), expected, 1e-5, 1e-5, $"{name} channel {c}"));
            }
            TestContext.WriteLine($"{name} positional embedding {g} x {g} -> {t} x {t}, {width} channels: max abs {worst:E2}");
            sets++;
        }
        Assert.IsGreaterThan(0, sets, "no clip_* reference set found");
    }

    [TestMethod]
    [DataRow(8, 45, 30, ImageFit.Stretch)]
    [DataRow(16, 7, 11, ImageFit.Stretch)]
    [DataRow(8, 45, 30, ImageFit.Pad)]
    [DataRow(8, 20, 50, ImageFit.Pad)]
    [DataRow(8, 45, 30, ImageFit.Crop)]
    public void Matches_an_independent_tent_filter_reference(int s, int width, int height, ImageFit fit)
    {
        var rng = new Random(3);
        var map = Enumerable.Range(0, s * s).Select(_ => (float)rng.NextDouble()).ToArray();
        var actual = AnomalyMapResampler.ToSource(map, s, width, height, fit);
        Assert.AreEqual(width * height, actual.Length);
        var (x0, xn, xOffset, xSpan) = Placement(width, height, s, fit, horizontal: true);
        var (y0, yn, yOffset, ySpan) = Placement(width, height, s, fit, horizontal: false);
        var expected = new float[width * height];
        for (int y = 0; y < height; y++)
        {
            double v = Coordinate(y, y0, yn, yOffset, ySpan);
            for (int x = 0; x < width; x++)
            {
                double u = Coordinate(x, x0, xn, xOffset, xSpan);
                double sum = 0;
                // Bilinear as a tent filter: weight max(0, 1 - |distance|) of every map pixel.
                for (int j = 0; j < s; j++)
                    for (int i = 0; i < s; i++)
                        sum += Math.Max(0, 1 - Math.Abs(v - j)) * Math.Max(0, 1 - Math.Abs(u - i)) * map[j * s + i];
                expected[y * width + x] = (float)sum;
            }
        }
        Tolerance.AssertClose(actual, expected, 1e-6, 1e-6, $"{s} -> {width} x {height} ({fit})");
        if (fit == ImageFit.Stretch && width == 45)
            Assert.AreNotEqual(map[0], actual[width * height / 2], "a real resize, not a copy");
    }

    /// <summary>
    /// The image's span [start, start + extent) along one axis in source pixels, and where it lands in the map:
    /// stretch covers the whole map, pad scales the long side to S and centres the short one, crop takes the centred square.
    /// </summary>
    private static (double SrcStart, double SrcExtent, int Offset, int Span) Placement(int width, int height, int s, ImageFit fit, bool horizontal)
    {
        int own = horizontal ? width : height;
        switch (fit)
        {
            case ImageFit.Pad:
                int span = Math.Max(1, (int)Math.Round(own * (double)s / Math.Max(width, height)));
                return (0, own, (s - span) / 2, span);
            case ImageFit.Crop:
                int side = Math.Min(width, height);
                return ((own - side) / 2.0, side, 0, s);
            default:
                return (0, own, 0, s);
        }
    }

    /// <summary>The map coordinate of source pixel <paramref name="i"/>'s centre (align_corners = false), kept inside the placed part of the map.</summary>
    private static double Coordinate(int i, double srcStart, double srcExtent, int offset, int span) =>
        Math.Min(Math.Max(offset + (i + 0.5 - srcStart) * span / srcExtent - 0.5, offset), offset + span - 1);
}
