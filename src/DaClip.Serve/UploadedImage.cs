namespace DaClip.Serve;

/// <summary>One image as it arrived: its encoded bytes and the name its errors and results carry.</summary>
/// <param name="Name">The multipart file name, or null for a raw body.</param>
/// <param name="Bytes">The encoded image (PNG, JPEG, BMP, GIF, WebP).</param>
internal sealed record UploadedImage(string? Name, byte[] Bytes)
{
    /// <summary>How errors name the image: the file name, or "request body".</summary>
    public string Source => string.IsNullOrEmpty(Name) ? "request body" : Name;
}
