namespace DaClip.MLNet.Imaging;

/// <summary>
/// Loads ground-truth masks at the model's S x S: nearest-neighbour resize (source index floor(dst * in / out) per axis
/// for <see cref="ImageFit.Stretch"/>; the same placement as the image for the other fits), then binarised: a pixel is
/// 1 when any of its R, G, B samples is above 0 (after compositing transparency on black), else 0. 16-bit masks keep
/// their full precision, so a label stored as 1 in 16 bits counts.
/// </summary>
public static class MaskLoader
{
    /// <summary>Reads the mask file at <paramref name="path"/>: S * S bytes, row-major, each 0 or 1.</summary>
    /// <exception cref="ImageInputException">The file cannot be decoded.</exception>
    public static byte[] Load(string path, int size, ImageFit fit = ImageFit.Stretch) => Resize(ImageDecoder.Decode(path), size, fit);

    /// <summary>Resizes and binarises a decoded mask: S * S bytes, row-major, each 0 or 1.</summary>
    public static byte[] Resize(RgbImage mask, int size, ImageFit fit = ImageFit.Stretch)
    {
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        var (fx, fy) = FitAxis.For(mask.Width, mask.Height, size, fit);
        var samples = mask.Samples;
        var result = new byte[size * size];
        var columns = new int[fx.DstExtent];
        for (int x = 0; x < columns.Length; x++) columns[x] = fx.Nearest(x + fx.DstStart, mask.Width);
        for (int y = fy.DstStart; y < fy.DstStart + fy.DstExtent; y++)
        {
            int sy = fy.Nearest(y, mask.Height);
            for (int x = 0; x < columns.Length; x++)
            {
                int s = 3 * (sy * mask.Width + columns[x]);
                result[y * size + x + fx.DstStart] = (byte)(samples[s] > 0 || samples[s + 1] > 0 || samples[s + 2] > 0 ? 1 : 0);
            }
        }
        return result;
    }
}
