using DaClip.MLNet.Metrics;

namespace DaClip.MLNet.Tests.Metrics;

/// <summary>
/// Deterministic synthetic test sets: masks with elliptic defects (some touching only diagonally), maps that are a
/// logistic of a smooth background, bumps over most defects (some missed, some shifted), false-positive bumps and noise.
/// </summary>
internal static class SyntheticSegmentationData
{
    public static List<SegmentationSample> Create(int images, int height, int width, int seed, int classes = 1)
    {
        var random = new Random(seed);
        var samples = new List<SegmentationSample>(images);
        for (int i = 0; i < images; i++)
        {
            bool anomalous = random.NextDouble() < 0.5;
            var mask = anomalous ? new byte[height * width] : null;
            var map = new float[height * width];
            var logits = new double[height * width];

            // Smooth background: a few random low-frequency waves plus white noise.
            for (int w = 0; w < 3; w++)
            {
                double fy = random.NextDouble() * 0.15, fx = random.NextDouble() * 0.15, phase = random.NextDouble() * 6.28, amp = 0.5 * random.NextDouble();
                for (int y = 0; y < height; y++)
                    for (int x = 0; x < width; x++)
                        logits[y * width + x] += amp * Math.Cos(fy * y + fx * x + phase);
            }
            for (int p = 0; p < logits.Length; p++) logits[p] += -2.0 + 0.4 * Gaussian(random);

            if (anomalous)
            {
                int defects = 1 + random.Next(3);
                for (int d = 0; d < defects; d++)
                {
                    double cy = random.NextDouble() * height, cx = random.NextDouble() * width;
                    double ry = 1 + random.NextDouble() * height / 6, rx = 1 + random.NextDouble() * width / 6;
                    Ellipse(mask!, height, width, cy, cx, ry, rx);
                    if (random.NextDouble() < 0.85)
                    {
                        double shift = random.NextDouble() * 0.5;
                        Bump(logits, height, width, cy + shift * ry, cx - shift * rx, ry, rx, 2.0 + 2.0 * random.NextDouble());
                    }
                }
            }
            if (random.NextDouble() < 0.3)
                Bump(logits, height, width, random.NextDouble() * height, random.NextDouble() * width, 3 + random.NextDouble() * 6, 3 + random.NextDouble() * 6, 2.5);

            double max = double.NegativeInfinity;
            for (int p = 0; p < map.Length; p++)
            {
                map[p] = (float)(1 / (1 + Math.Exp(-logits[p])));
                max = Math.Max(max, map[p]);
            }
            float score = (float)(max + 0.05 * Gaussian(random));
            samples.Add(new SegmentationSample
            {
                ClassName = $"class{i % classes}",
                IsAnomalous = anomalous,
                ImageScore = score,
                AnomalyMap = map,
                Mask = mask,
                Height = height,
                Width = width,
            });
        }
        return samples;
    }

    private static void Ellipse(byte[] mask, int height, int width, double cy, double cx, double ry, double rx)
    {
        for (int y = Math.Max(0, (int)(cy - ry)); y <= Math.Min(height - 1, (int)(cy + ry)); y++)
            for (int x = Math.Max(0, (int)(cx - rx)); x <= Math.Min(width - 1, (int)(cx + rx)); x++)
            {
                double dy = (y - cy) / ry, dx = (x - cx) / rx;
                if (dy * dy + dx * dx <= 1) mask[y * width + x] = 1;
            }
    }

    private static void Bump(double[] logits, int height, int width, double cy, double cx, double ry, double rx, double amplitude)
    {
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                double dy = (y - cy) / ry, dx = (x - cx) / rx;
                logits[y * width + x] += amplitude * Math.Exp(-0.5 * (dy * dy + dx * dx));
            }
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
