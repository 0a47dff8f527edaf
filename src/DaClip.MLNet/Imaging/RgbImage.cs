namespace DaClip.MLNet.Imaging;

/// <summary>
/// A decoded image: interleaved RGB samples on a 16-bit scale (0..65535; an 8-bit value v is stored as v * 257, so
/// v / 255 and the stored value / 65535 are the same number), row-major, no alpha (transparency is composited on
/// black when decoding). Produced by <see cref="ImageDecoder"/>; consumed by <see cref="ImagePreprocessor"/> and
/// <see cref="MaskLoader"/>.
/// </summary>
public sealed class RgbImage
{
    private readonly ushort[] _samples;

    /// <summary>Wraps <paramref name="samples"/> (length 3 * width * height, R G B per pixel, row-major).</summary>
    public RgbImage(int width, int height, ushort[] samples, int sourceBitDepth = 8)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.Length != 3L * width * height)
            throw new ArgumentException($"An RGB image of {width} x {height} needs {3L * width * height} samples, got {samples.Length}.", nameof(samples));
        if (sourceBitDepth is not (8 or 16)) throw new ArgumentOutOfRangeException(nameof(sourceBitDepth), sourceBitDepth, "8 or 16.");
        Width = width;
        Height = height;
        SourceBitDepth = sourceBitDepth;
        _samples = samples;
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Bits per sample of the source (8, or 16 for 16-bit PNG, whose full precision is kept).</summary>
    public int SourceBitDepth { get; }

    /// <summary>The samples: R, G, B of pixel (x, y) at <c>3 * (y * Width + x)</c>, on the 0..65535 scale.</summary>
    public ReadOnlySpan<ushort> Samples => _samples;

    /// <summary>Sample of channel <paramref name="c"/> (0 R, 1 G, 2 B) at (<paramref name="x"/>, <paramref name="y"/>), in [0, 1].</summary>
    public float this[int x, int y, int c] => _samples[3 * (y * Width + x) + c] / 65535f;
}
