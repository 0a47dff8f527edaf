using DaClip.MLNet.Tests.Imaging;

namespace DaClip.MLNet.Tests.MLNet;

/// <summary>One synthetic image on disk with its ground truth.</summary>
public sealed record SyntheticImage(string Path, string MaskPath, bool Anomalous, string Class);

/// <summary>
/// Small PNG images of various sizes: a noisy texture per class; anomalous ones carry a bright square, drawn exactly in
/// their mask (white on black, same size as the image). Normal images have an all-black mask file.
/// </summary>
public static class SyntheticImages
{
    public static IReadOnlyList<SyntheticImage> Write(string folder, int count, int seed, string[]? classes = null)
    {
        classes ??= ["bottle"];
        var rng = new Random(seed);
        var list = new List<SyntheticImage>();
        for (int i = 0; i < count; i++)
        {
            int w = 20 + rng.Next(20), h = 18 + rng.Next(20);
            bool anomalous = i / classes.Length % 2 == 1;
            string cls = classes[i % classes.Length];
            int baseGrey = 60 + 40 * Array.IndexOf(classes, cls);
            var rgb = new int[w * h * 3];
            var mask = new int[w * h];
            for (int p = 0; p < w * h; p++)
                for (int c = 0; c < 3; c++) rgb[3 * p + c] = Math.Clamp(baseGrey + rng.Next(-30, 30) + 10 * c, 0, 255);
            if (anomalous)
            {
                int s = Math.Min(w, h) / 3, x0 = rng.Next(w - s), y0 = rng.Next(h - s);
                for (int y = y0; y < y0 + s; y++)
                    for (int x = x0; x < x0 + s; x++)
                    {
                        mask[y * w + x] = 255;
                        for (int c = 0; c < 3; c++) rgb[3 * (y * w + x) + c] = 230 + 10 * c;
                    }
            }
            var path = System.IO.Path.Combine(folder, $"{cls}_{i:D3}.png");
            var maskPath = System.IO.Path.Combine(folder, $"{cls}_{i:D3}_mask.png");
            File.WriteAllBytes(path, TestImageFiles.Png(w, h, 2, 8, rgb));
            File.WriteAllBytes(maskPath, TestImageFiles.Png(w, h, 0, 8, mask));
            list.Add(new SyntheticImage(path, maskPath, anomalous, cls));
        }
        return list;
    }
}
