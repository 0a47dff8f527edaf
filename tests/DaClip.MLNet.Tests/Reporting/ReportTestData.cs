using DaClip.MLNet.Reporting;
using DaClip.MLNet.Training.Synthetic;

namespace DaClip.MLNet.Tests.Reporting;

/// <summary>
/// Synthetic test sets for reports: images and masks from <see cref="SyntheticDefectGenerator"/> written as PNG files,
/// and plausible model maps made from the masks (blurred defect coverage, noise, some defects missed, some false
/// bumps on normal images), deterministic for a seed.
/// </summary>
internal static class ReportTestData
{
    public static List<AnomalyReportImage> Create(string folder, SyntheticCategory[] categories, int imageSize = 96, int mapSize = 24,
        int good = 4, int anomalous = 5, int seed = 7)
    {
        var generator = new SyntheticDefectGenerator(new SyntheticDefectOptions
        {
            ImageSize = imageSize,
            Categories = categories,
            TrainGoodPerClass = 0,
            TestGoodPerClass = good,
            TestAnomalousPerClass = anomalous,
            Seed = seed,
        });
        var random = new Random(seed);
        var images = new List<AnomalyReportImage>();
        foreach (var category in categories)
            foreach (var image in generator.TestImages(category))
            {
                var path = Path.Combine(folder, image.RelativePath.Replace('/', Path.DirectorySeparatorChar));
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllBytes(path, image.EncodePng());
                string? maskPath = null;
                if (image.MaskRelativePath is { } relativeMask)
                {
                    maskPath = Path.Combine(folder, relativeMask.Replace('/', Path.DirectorySeparatorChar));
                    Directory.CreateDirectory(Path.GetDirectoryName(maskPath)!);
                    File.WriteAllBytes(maskPath, image.EncodeMaskPng());
                }
                var map = Map(image, mapSize, random);
                images.Add(new AnomalyReportImage
                {
                    ClassName = image.ClassName,
                    IsAnomalous = image.IsAnomalous,
                    Score = map.Max() + (float)(0.03 * random.NextDouble()),
                    ImagePath = path,
                    MaskPath = maskPath,
                    AnomalyMap = map,
                });
            }
        return images;
    }

    private static float[] Map(SyntheticImage image, int size, Random random)
    {
        // Defect coverage of each map cell, blurred twice with a 3 x 3 box, as a smooth "model response".
        var coverage = new double[size * size];
        for (int y = 0; y < image.Height; y++)
            for (int x = 0; x < image.Width; x++)
                if (image.Mask[y * image.Width + x] != 0)
                    coverage[(y * size / image.Height) * size + x * size / image.Width] += (double)size * size / (image.Width * image.Height);
        coverage = Blur(Blur(coverage, size), size);
        double gain = random.NextDouble() < 0.2 ? 0.6 : 2.4;
        var map = new float[size * size];
        for (int i = 0; i < map.Length; i++) map[i] = (float)(0.12 + 0.1 * random.NextDouble() + gain * coverage[i]);
        if (!image.IsAnomalous && random.NextDouble() < 0.4)
        {
            int cy = random.Next(size), cx = random.Next(size);
            double amplitude = 0.3 + 0.4 * random.NextDouble();
            for (int y = 0; y < size; y++)
                for (int x = 0; x < size; x++)
                    map[y * size + x] += (float)(amplitude * Math.Exp(-((y - cy) * (y - cy) + (x - cx) * (x - cx)) / 6.0));
        }
        for (int i = 0; i < map.Length; i++) map[i] = Math.Clamp(map[i], 0f, 1f);
        return map;
    }

    private static double[] Blur(double[] values, int size)
    {
        var result = new double[values.Length];
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
            {
                double sum = 0;
                int count = 0;
                for (int dy = -1; dy <= 1; dy++)
                    for (int dx = -1; dx <= 1; dx++)
                    {
                        int qy = y + dy, qx = x + dx;
                        if (qy < 0 || qy >= size || qx < 0 || qx >= size) continue;
                        sum += values[qy * size + qx];
                        count++;
                    }
                result[y * size + x] = sum / count;
            }
        return result;
    }
}
