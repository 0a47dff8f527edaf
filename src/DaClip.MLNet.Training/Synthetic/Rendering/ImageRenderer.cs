using DaClip.MLNet.Training.Synthetic.Defects;

namespace DaClip.MLNet.Training.Synthetic.Rendering;

/// <summary>
/// Rasterises a scene, with or without a defect, into 8-bit RGB and the defect's mask.
/// <para>
/// The defect-free picture comes from the image seed's stream alone and the defect from a second stream derived
/// from it, so the defective image of a seed is its defect-free image plus the defect. Both get the same
/// photometric jitter and sensor noise. A pixel whose defective value differs from the defect-free one by fewer
/// than <see cref="Defect.ChangeThreshold"/> levels in every channel keeps the defect-free bytes; every other pixel takes
/// the defective bytes and is set in the mask. So the mask is exactly the set of pixels the defect changed, except
/// that a pattern distortion also marks the unchanged pixels inside its distorted area (<see cref="Defect.Marks"/>).
/// </para>
/// </summary>
internal static class ImageRenderer
{
    private const ulong DefectStream = 0xDEFEC7;
    private const int MaxPlacements = 32;

    public static (byte[] Rgb, byte[] Mask) Render(SyntheticCategory category, SyntheticDefectKind? kind, ulong seed, int size, bool antiAlias) =>
        Render((rng, pixel, aa) => SyntheticCategories.CreateScene(category, rng, pixel, aa),
            kind is { } k ? (scene, rng) => DefectFactory.Create(k, scene, rng) : null,
            category.FolderName(), kind?.FolderName(), seed, size, antiAlias);

    /// <summary>
    /// Renders the scene that <paramref name="createScene"/> draws from the image seed's stream and, when
    /// <paramref name="createDefect"/> is given, paints the defect it draws from the defect stream.
    /// </summary>
    public static (byte[] Rgb, byte[] Mask) Render(Func<SyntheticRandom, double, bool, Scene> createScene, Func<Scene, SyntheticRandom, Defect>? createDefect,
        string sceneName, string? defectName, ulong seed, int size, bool antiAlias)
    {
        var rng = new SyntheticRandom(seed);
        var pixel = 1.0 / size;
        var scene = createScene(rng, pixel, antiAlias);
        var camera = new Camera(rng);

        var count = size * size;
        var composite = new double[3 * count];
        var coverage = new float[count];
        var rgb = new byte[3 * count];
        for (var iy = 0; iy < size; iy++)
        {
            var y = (iy + 0.5) * pixel;
            for (var ix = 0; ix < size; ix++)
            {
                var i = iy * size + ix;
                var c = scene.Sample((ix + 0.5) * pixel, y, out var cov);
                composite[3 * i] = c.R;
                composite[3 * i + 1] = c.G;
                composite[3 * i + 2] = c.B;
                coverage[i] = (float)cov;
                camera.Expose(c, ix, iy, rgb.AsSpan(3 * i, 3));
            }
        }
        var mask = new byte[count];
        if (createDefect is null) return (rgb, mask);

        var defectRng = new SyntheticRandom(SyntheticRandom.Mix(seed, DefectStream));
        Span<byte> exposed = stackalloc byte[3];
        for (var attempt = 0; attempt < MaxPlacements; attempt++)
        {
            var defect = createDefect(scene, defectRng);
            var output = (byte[])rgb.Clone();
            Array.Clear(mask);
            var changed = 0;
            var (x0, y0, x1, y1) = defect.Bounds.Inflate(2.0 * pixel).ToPixels(size);
            for (var iy = y0; iy < y1; iy++)
            {
                var y = (iy + 0.5) * pixel;
                for (var ix = x0; ix < x1; ix++)
                {
                    var i = iy * size + ix;
                    var normal = new Rgb(composite[3 * i], composite[3 * i + 1], composite[3 * i + 2]);
                    var defective = defect.Apply(scene, (ix + 0.5) * pixel, y, normal, coverage[i]);
                    camera.Expose(defective, ix, iy, exposed);
                    var diff = Math.Max(Math.Abs(exposed[0] - rgb[3 * i]), Math.Max(Math.Abs(exposed[1] - rgb[3 * i + 1]), Math.Abs(exposed[2] - rgb[3 * i + 2])));
                    if (diff >= defect.ChangeThreshold)
                    {
                        exposed.CopyTo(output.AsSpan(3 * i, 3));
                        mask[i] = 255;
                        changed++;
                    }
                    else if (defect.Marks(scene, (ix + 0.5) * pixel, y, coverage[i]))
                    {
                        mask[i] = 255;
                    }
                }
            }
            if (changed >= Math.Max(3.0, 0.25 * defect.NominalArea * count)) return (output, mask);
        }
        throw new DaClipException(
            $"Could not place a visible {defectName} defect on a {sceneName} image of {size}x{size} pixels " +
            $"(image seed {seed}) in {MaxPlacements} tries. Use a larger SyntheticDefectOptions.ImageSize.");
    }

    /// <summary>Per-image exposure (gain and white balance) and per-pixel sensor noise, identical for the defect-free and the defective rendering.</summary>
    private sealed class Camera(SyntheticRandom rng)
    {
        private const double LumaNoise = 0.018;
        private const double ChromaNoise = 0.006;
        private readonly double _gain = 1.0 + 0.04 * rng.Normal();
        private readonly double _r = 1.0 + 0.015 * rng.Normal();
        private readonly double _g = 1.0 + 0.015 * rng.Normal();
        private readonly double _b = 1.0 + 0.015 * rng.Normal();
        private readonly ulong _noiseSeed = rng.NextUInt64();

        public void Expose(Rgb c, int ix, int iy, Span<byte> destination)
        {
            var h = Noise.Hash(_noiseSeed, ix, iy);
            var luma = LumaNoise * (((h & 0xFFFF) + ((h >> 16) & 0xFFFF)) / 65535.0 - 1.0);
            destination[0] = Quantise(c.R * _gain * _r + luma + ChromaNoise * (((h >> 32) & 0x3FF) / 1023.0 - 0.5));
            destination[1] = Quantise(c.G * _gain * _g + luma + ChromaNoise * (((h >> 42) & 0x3FF) / 1023.0 - 0.5));
            destination[2] = Quantise(c.B * _gain * _b + luma + ChromaNoise * (((h >> 52) & 0x3FF) / 1023.0 - 0.5));
        }

        private static byte Quantise(double v) => (byte)(Math.Clamp(v, 0.0, 1.0) * 255.0 + 0.5);
    }
}
