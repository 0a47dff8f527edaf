namespace DaClip.MLNet.Imaging;

/// <summary>
/// Where an image lands in the S x S square for an <see cref="ImageFit"/>, per axis: the source interval
/// [SrcStart, SrcStart + SrcExtent) (continuous pixel coordinates, pixel i covering [i, i + 1)) is mapped onto the
/// destination pixels [DstStart, DstStart + DstExtent); destination pixels outside stay 0 (black / background).
/// </summary>
internal readonly record struct FitAxis(double SrcStart, double SrcExtent, int DstStart, int DstExtent)
{
    /// <summary>The horizontal and vertical axes for a <paramref name="width"/> x <paramref name="height"/> image.</summary>
    public static (FitAxis X, FitAxis Y) For(int width, int height, int size, ImageFit fit)
    {
        switch (fit)
        {
            case ImageFit.Stretch:
                return (new FitAxis(0, width, 0, size), new FitAxis(0, height, 0, size));
            case ImageFit.Crop:
            {
                double side = Math.Min(width, height);
                return (new FitAxis((width - side) / 2, side, 0, size), new FitAxis((height - side) / 2, side, 0, size));
            }
            case ImageFit.Pad:
            {
                double longSide = Math.Max(width, height);
                int w = Math.Max(1, (int)Math.Round(width * size / longSide)), h = Math.Max(1, (int)Math.Round(height * size / longSide));
                return (new FitAxis(0, width, (size - w) / 2, w), new FitAxis(0, height, (size - h) / 2, h));
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(fit), fit, "Unknown ImageFit.");
        }
    }

    /// <summary>True when the destination pixels are exactly the source pixels (no resampling needed).</summary>
    public bool IsIdentity(int sourceSize) => SrcStart == 0 && SrcExtent == sourceSize && DstExtent == sourceSize;

    /// <summary>Nearest source index of destination pixel <paramref name="dst"/> (inside the mapped range): floor(start + (dst - DstStart) * extent / DstExtent).</summary>
    public int Nearest(int dst, int sourceSize) =>
        Math.Clamp((int)Math.Floor(SrcStart + (double)(dst - DstStart) * SrcExtent / DstExtent), 0, sourceSize - 1);
}
