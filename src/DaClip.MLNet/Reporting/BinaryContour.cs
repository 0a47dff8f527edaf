namespace DaClip.MLNet.Reporting;

/// <summary>
/// The inner outline of a binary region: the pixels inside it that lie within <c>width</c> pixels (Chebyshev distance)
/// of a pixel outside it. The image border is not an edge, so a region touching the border is not outlined there.
/// </summary>
internal static class BinaryContour
{
    /// <summary>Sets <paramref name="contour"/>[i] for every outline pixel of <paramref name="inside"/> (non-zero = inside).</summary>
    public static void Mark(ReadOnlySpan<byte> inside, int width, int height, int lineWidth, Span<bool> contour)
    {
        // Outside pixels dilated by a (2 * lineWidth + 1)-square, separably: rows first, then columns, each through a
        // running count of outside pixels in the window.
        var nearOutside = new bool[inside.Length];
        var row = new int[width + 1];
        for (int y = 0; y < height; y++)
        {
            var line = inside.Slice(y * width, width);
            for (int x = 0; x < width; x++) row[x + 1] = row[x] + (line[x] == 0 ? 1 : 0);
            for (int x = 0; x < width; x++)
            {
                int lo = Math.Max(0, x - lineWidth), hi = Math.Min(width, x + lineWidth + 1);
                nearOutside[y * width + x] = row[hi] - row[lo] > 0;
            }
        }
        var column = new int[height + 1];
        for (int x = 0; x < width; x++)
        {
            for (int y = 0; y < height; y++) column[y + 1] = column[y] + (nearOutside[y * width + x] ? 1 : 0);
            for (int y = 0; y < height; y++)
            {
                int lo = Math.Max(0, y - lineWidth), hi = Math.Min(height, y + lineWidth + 1);
                int i = y * width + x;
                if (inside[i] != 0 && column[hi] - column[lo] > 0) contour[i] = true;
            }
        }
    }
}
