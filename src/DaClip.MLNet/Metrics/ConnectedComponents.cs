using System.Buffers;

namespace DaClip.MLNet.Metrics;

/// <summary>Connected-component labelling of binary ground-truth masks (the regions of the PRO metric).</summary>
public static class ConnectedComponents
{
    /// <summary>
    /// Labels the 8-connected components of the non-zero pixels of a row-major <paramref name="height"/> x
    /// <paramref name="width"/> mask: background pixels get 0, the regions 1..count numbered in raster order of their
    /// first pixel (the numbering of scikit-image's <c>measure.label</c>). Pixels touching only at a corner belong to one
    /// region.
    /// </summary>
    /// <param name="mask">The mask; any non-zero value is foreground (0/1 and 0/255 masks both work).</param>
    /// <param name="height">Rows.</param>
    /// <param name="width">Columns.</param>
    /// <param name="labels">Receives the label of every pixel; length <paramref name="height"/> * <paramref name="width"/>.</param>
    /// <returns>The number of regions.</returns>
    public static int Label8(ReadOnlySpan<byte> mask, int height, int width, Span<int> labels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        long n = (long)height * width;
        if (mask.Length != n)
            throw new ArgumentException($"The mask has {mask.Length} pixels but height x width is {height} x {width} = {n}.", nameof(mask));
        if (labels.Length != n)
            throw new ArgumentException($"The label buffer has {labels.Length} elements, it needs height x width = {n}.", nameof(labels));

        labels.Clear();
        int count = 0;
        int[]? stack = null;
        try
        {
            for (int start = 0; start < mask.Length; start++)
            {
                if (mask[start] == 0 || labels[start] != 0) continue;
                stack ??= ArrayPool<int>.Shared.Rent((int)n);
                int label = ++count;
                labels[start] = label;
                int top = 0;
                stack[top++] = start;
                while (top > 0)
                {
                    int p = stack[--top];
                    int row = p / width, col = p - row * width;
                    int r0 = row > 0 ? row - 1 : row, r1 = row < height - 1 ? row + 1 : row;
                    int c0 = col > 0 ? col - 1 : col, c1 = col < width - 1 ? col + 1 : col;
                    for (int r = r0; r <= r1; r++)
                    {
                        int rowStart = r * width;
                        for (int c = c0; c <= c1; c++)
                        {
                            int q = rowStart + c;
                            if (mask[q] == 0 || labels[q] != 0) continue;
                            labels[q] = label;
                            stack[top++] = q;
                        }
                    }
                }
            }
        }
        finally
        {
            if (stack is not null) ArrayPool<int>.Shared.Return(stack);
        }
        return count;
    }

    /// <summary>Pixel count of each region 1..<paramref name="regionCount"/> of a label image (index 0 of the result is region 1).</summary>
    public static int[] RegionSizes(ReadOnlySpan<int> labels, int regionCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(regionCount);
        var sizes = new int[regionCount];
        foreach (int label in labels)
        {
            if (label == 0) continue;
            if ((uint)(label - 1) >= (uint)regionCount)
                throw new ArgumentException($"Label {label} is outside 0..{regionCount}.", nameof(labels));
            sizes[label - 1]++;
        }
        return sizes;
    }
}
