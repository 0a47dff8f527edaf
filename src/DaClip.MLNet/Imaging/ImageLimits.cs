namespace DaClip.MLNet.Imaging;

/// <summary>
/// The size limit every decoder checks against the dimensions an image file declares, before it allocates anything for
/// the pixels: a 69-byte file can declare 16384 x 16384 pixels, and decoding it would allocate gigabytes first.
/// </summary>
public static class ImageLimits
{
    /// <summary>
    /// The largest image decoded: 100 million pixels (e.g. 10000 x 10000), about 600 MB once decoded at 16 bits per
    /// sample. The largest images of the paper's datasets are ISIC photographs of about 24 million pixels. A larger image
    /// is an <see cref="ImageInputException"/>; downscale it first.
    /// </summary>
    public const long MaxPixels = 100_000_000;

    /// <summary>Throws unless <paramref name="width"/> x <paramref name="height"/> is a positive size of at most <see cref="MaxPixels"/> pixels (no overflow for any input).</summary>
    /// <exception cref="ImageInputException">A non-positive or too large declared size; the message names <paramref name="source"/>.</exception>
    public static void CheckDeclaredSize(long width, long height, string source)
    {
        if (width <= 0 || height <= 0)
            throw new ImageInputException(source, $"the file declares an invalid size of {width} x {height} pixels (corrupt header). Re-export the image.");
        // width <= MaxPixels and height <= MaxPixels / width (integer division) is width * height <= MaxPixels, without computing the product.
        if (width > MaxPixels || height > MaxPixels / width)
            throw new ImageInputException(source,
                $"the file declares {width} x {height} pixels, more than the limit of {MaxPixels:N0} pixels (ImageLimits.MaxPixels). " +
                "Downscale the image, or check that the file is not corrupt.");
    }
}
