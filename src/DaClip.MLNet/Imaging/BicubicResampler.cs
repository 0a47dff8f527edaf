namespace DaClip.MLNet.Imaging;

/// <summary>
/// Separable bicubic resampling (Keys kernel, a = -0.5, as PIL's BICUBIC) with the kernel widened by the scale factor
/// when shrinking, so downscaling averages every source pixel (antialiasing) instead of skipping pixels. Near the
/// border the kernel is cut at the image edge and its weights renormalised; results are clamped to [0, 1].
/// </summary>
internal static class BicubicResampler
{
    private const double A = -0.5;

    /// <summary>One destination pixel's taps: the first source index and the weights of consecutive source pixels.</summary>
    private readonly record struct Taps(int First, float[] Weights);

    /// <summary>
    /// Writes <paramref name="image"/> resampled into <paramref name="chw"/> (3 x size x size planes, values in [0, 1]),
    /// placed as <paramref name="fitX"/> / <paramref name="fitY"/> say; pixels outside the placed area are set to 0.
    /// </summary>
    public static void Resample(RgbImage image, FitAxis fitX, FitAxis fitY, int size, Span<float> chw)
    {
        chw.Clear();
        int width = image.Width, height = image.Height, plane = size * size;
        var src = image.Samples;
        const float full = 65535f;

        if (fitX.IsIdentity(width) && fitY.IsIdentity(height))
        {
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                {
                    int s = 3 * (y * width + x), d = (y + fitY.DstStart) * size + x + fitX.DstStart;
                    chw[d] = src[s] / full;
                    chw[plane + d] = src[s + 1] / full;
                    chw[2 * plane + d] = src[s + 2] / full;
                }
            return;
        }

        var xTaps = Weights(fitX, width);
        var yTaps = Weights(fitY, height);
        int outW = fitX.DstExtent;

        // Horizontal pass over the source rows the vertical taps use: row y -> [outW][3].
        int rowFirst = yTaps[0].First, rowLast = yTaps[^1].First + yTaps[^1].Weights.Length - 1;
        var rows = new float[(rowLast - rowFirst + 1) * outW * 3];
        for (int y = rowFirst; y <= rowLast; y++)
        {
            var line = src.Slice(3 * y * width, 3 * width);
            int o = (y - rowFirst) * outW * 3;
            for (int x = 0; x < outW; x++, o += 3)
            {
                var t = xTaps[x];
                float r = 0, g = 0, b = 0;
                for (int k = 0, s = 3 * t.First; k < t.Weights.Length; k++, s += 3)
                {
                    float w = t.Weights[k];
                    r += w * line[s];
                    g += w * line[s + 1];
                    b += w * line[s + 2];
                }
                rows[o] = r;
                rows[o + 1] = g;
                rows[o + 2] = b;
            }
        }

        // Vertical pass into the CHW planes.
        for (int y = 0; y < fitY.DstExtent; y++)
        {
            var t = yTaps[y];
            int dRow = (y + fitY.DstStart) * size + fitX.DstStart;
            for (int x = 0; x < outW; x++)
            {
                float r = 0, g = 0, b = 0;
                for (int k = 0; k < t.Weights.Length; k++)
                {
                    int o = ((t.First + k - rowFirst) * outW + x) * 3;
                    float w = t.Weights[k];
                    r += w * rows[o];
                    g += w * rows[o + 1];
                    b += w * rows[o + 2];
                }
                int d = dRow + x;
                chw[d] = Math.Clamp(r / full, 0f, 1f);
                chw[plane + d] = Math.Clamp(g / full, 0f, 1f);
                chw[2 * plane + d] = Math.Clamp(b / full, 0f, 1f);
            }
        }
    }

    /// <summary>Taps of every destination pixel of one axis.</summary>
    private static Taps[] Weights(FitAxis axis, int sourceSize)
    {
        double step = axis.SrcExtent / axis.DstExtent;   // source pixels per destination pixel
        double stretch = Math.Max(step, 1.0);            // kernel widening when shrinking
        double support = 2.0 * stretch;
        var taps = new Taps[axis.DstExtent];
        for (int j = 0; j < axis.DstExtent; j++)
        {
            double center = axis.SrcStart + (j + 0.5) * step;
            int first = Math.Max(0, (int)Math.Floor(center - support));
            int last = Math.Min(sourceSize - 1, (int)Math.Ceiling(center + support));
            var w = new double[last - first + 1];
            double sum = 0;
            for (int i = first; i <= last; i++) sum += w[i - first] = Kernel((i + 0.5 - center) / stretch);
            var weights = new float[w.Length];
            for (int k = 0; k < w.Length; k++) weights[k] = (float)(w[k] / sum);
            taps[j] = new Taps(first, weights);
        }
        return taps;
    }

    private static double Kernel(double x)
    {
        x = Math.Abs(x);
        if (x < 1) return ((A + 2) * x - (A + 3)) * x * x + 1;
        if (x < 2) return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
        return 0;
    }
}
