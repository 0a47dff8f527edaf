using DaClip.MLNet.Imaging;

namespace DaClip.MLNet.Reporting;

/// <summary>
/// One evaluated test image for an <see cref="AnomalyReport"/>. Only the few images the report shows (the worst false
/// positives and false negatives of each class) need their pixels, map and mask; for the rest the label and score
/// suffice, which keeps a report of thousands of images in bounded memory (<see cref="AnomalyReportBuilder"/> keeps
/// exactly that).
/// </summary>
public sealed record AnomalyReportImage
{
    /// <summary>The class (object category); must be one of the evaluation's classes.</summary>
    public required string ClassName { get; init; }

    /// <summary>Ground truth: true for an anomalous image.</summary>
    public required bool IsAnomalous { get; init; }

    /// <summary>The image anomaly score (finite).</summary>
    public required float Score { get; init; }

    /// <summary>The model's decision; null: anomalous when <see cref="Score"/> &gt;= the class's image threshold.</summary>
    public bool? PredictedAnomalous { get; init; }

    /// <summary>The image file; decoded only when the image is shown. One of <see cref="ImagePath"/> and <see cref="Image"/> is needed for a shown image.</summary>
    public string? ImagePath { get; init; }

    /// <summary>The decoded image, used instead of <see cref="ImagePath"/> when set.</summary>
    public RgbImage? Image { get; init; }

    /// <summary>Name shown in the report; null: the last three parts of <see cref="ImagePath"/> (e.g. <c>bottle/test/broken_large/000.png</c>), else the image's position.</summary>
    public string? Name { get; init; }

    /// <summary>The model's S x S anomaly map, row-major; needed for a shown image.</summary>
    public float[]? AnomalyMap { get; init; }

    /// <summary>Ground-truth mask file (any non-zero channel = defect), at the image's size for an exact outline, or at S x S.</summary>
    public string? MaskPath { get; init; }

    /// <summary>Ground-truth mask at the map's size S x S (non-zero = defect), used when <see cref="MaskPath"/> is null.</summary>
    public byte[]? Mask { get; init; }

    /// <summary>The name the report shows for the image at <paramref name="index"/>.</summary>
    internal string DisplayName(int index)
    {
        if (!string.IsNullOrWhiteSpace(Name)) return Name;
        if (string.IsNullOrEmpty(ImagePath)) return $"image #{index}";
        var parts = ImagePath.Split(['/', '\\'], StringSplitOptions.RemoveEmptyEntries);
        return string.Join('/', parts.Skip(Math.Max(0, parts.Length - 3)));
    }
}
