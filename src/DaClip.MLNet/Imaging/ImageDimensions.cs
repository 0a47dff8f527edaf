using SkiaSharp;

namespace DaClip.MLNet.Imaging;

/// <summary>Width and height of an image file, read from its header without decoding the pixels.</summary>
internal static class ImageDimensions
{
    /// <summary>
    /// The size of the image at <paramref name="path"/>, or null when the file cannot be opened or its format is not
    /// one SkiaSharp reads headers of (PNG of any depth, JPEG, BMP, GIF, WebP, ICO).
    /// </summary>
    public static (int Width, int Height)? TryRead(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            using var stream = File.OpenRead(path);
            using var managed = new SKManagedStream(stream);
            using var codec = SKCodec.Create(managed);
            return codec is null ? null : (codec.Info.Width, codec.Info.Height);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
