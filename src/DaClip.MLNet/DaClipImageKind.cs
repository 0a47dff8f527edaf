namespace DaClip.MLNet;

/// <summary>How a data view carries its images; decided from the image column's type.</summary>
public enum DaClipImageKind
{
    /// <summary>A <c>String</c> column with file paths, decoded with <see cref="Imaging.ImageDecoder"/>.</summary>
    Path,

    /// <summary>A <c>Vector&lt;Byte&gt;</c> column with encoded files (PNG, JPEG, ...), as <c>LoadRawImageBytes</c> produces.</summary>
    EncodedBytes,

    /// <summary>An <c>Image</c> column of <see cref="Microsoft.ML.Data.MLImage"/>, as <c>LoadImages</c> produces (not resized).</summary>
    Image,
}
