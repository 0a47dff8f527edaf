namespace DaClip.MLNet.Imaging;

/// <summary>
/// Brings an S x S anomaly map back to the source image's own width x height (METHOD §5: bilinear). Each source pixel
/// centre is placed in the map through the <see cref="ImageFit"/> geometry of <see cref="FitAxis"/>, then read
/// bilinearly with PyTorch's <c>align_corners = false</c> convention: map coordinate
/// <c>u = DstStart + (i + 0.5 − SrcStart) · DstExtent / SrcExtent − 0.5</c>, clamped to the fitted part of the map
/// (for <see cref="ImageFit.Stretch"/> that is <c>F.interpolate(map, size=(H, W), mode='bilinear', align_corners=False)</c>
/// exactly). Pixels a <see cref="ImageFit.Crop"/> cut away take the value of the nearest map edge.
/// </summary>
public static class AnomalyMapResampler
{
    /// <summary>
    /// The map <paramref name="map"/> (<paramref name="mapSize"/> x <paramref name="mapSize"/>, row-major, as the model
    /// returns it for an image fitted with <paramref name="fit"/>) at the image's <paramref name="width"/> x
    /// <paramref name="height"/>, row-major.
    /// </summary>
    /// <exception cref="ArgumentException">The map does not hold <paramref name="mapSize"/>² values, or a size is not positive.</exception>
    public static float[] ToSource(ReadOnlySpan<float> map, int mapSize, int width, int height, ImageFit fit)
    {
        if (mapSize <= 0 || map.Length != mapSize * mapSize)
            throw new ArgumentException($"The map has {map.Length} values; a {mapSize} x {mapSize} map needs {mapSize * mapSize}.", nameof(map));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        var (fitX, fitY) = FitAxis.For(width, height, mapSize, fit);
        var columns = Taps(fitX, width);
        var rows = Taps(fitY, height);
        var result = new float[(long)width * height];
        for (int y = 0; y < height; y++)
        {
            var (r0, r1, wy) = rows[y];
            int top = r0 * mapSize, bottom = r1 * mapSize;
            for (int x = 0; x < width; x++)
            {
                var (c0, c1, wx) = columns[x];
                float upper = map[top + c0] * (1 - wx) + map[top + c1] * wx;
                float lower = map[bottom + c0] * (1 - wx) + map[bottom + c1] * wx;
                result[y * width + x] = (1 - wy) * upper + wy * lower;
            }
        }
        return result;
    }

    /// <summary>Per source index along one axis: the two map indices and the weight of the second.</summary>
    private static (int I0, int I1, float W)[] Taps(FitAxis axis, int extent)
    {
        var taps = new (int, int, float)[extent];
        int first = axis.DstStart, last = axis.DstStart + axis.DstExtent - 1;
        double scale = axis.DstExtent / axis.SrcExtent;
        for (int i = 0; i < extent; i++)
        {
            double u = Math.Clamp(axis.DstStart + (i + 0.5 - axis.SrcStart) * scale - 0.5, first, last);
            int i0 = (int)Math.Floor(u);
            int i1 = Math.Min(i0 + 1, last);
            taps[i] = (i0, i1, (float)(u - i0));
        }
        return taps;
    }
}
