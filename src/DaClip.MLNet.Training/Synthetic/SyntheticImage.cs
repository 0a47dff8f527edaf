using DaClip.MLNet.Training.Synthetic.Defects;
using DaClip.MLNet.Training.Synthetic.Rendering;

namespace DaClip.MLNet.Training.Synthetic;

/// <summary>
/// One generated image: 8-bit RGB pixels, the defect mask, and where it belongs in an MVTec-AD folder.
/// The arrays are the image's own storage (not copied); changing them changes what <see cref="EncodePng"/> writes.
/// </summary>
public sealed class SyntheticImage
{
    internal SyntheticImage(SyntheticCategory category, SyntheticSubset subset, SyntheticDefectKind? defect, int index, ulong seed, int size, byte[] rgb, byte[] mask)
    {
        Category = category;
        Subset = subset;
        Defect = defect;
        Index = index;
        Seed = seed;
        Width = size;
        Height = size;
        Rgb = rgb;
        Mask = mask;
    }

    /// <summary>The product category.</summary>
    public SyntheticCategory Category { get; }

    /// <summary>Train (always defect-free) or test.</summary>
    public SyntheticSubset Subset { get; }

    /// <summary>The defect shown, or null for a defect-free ("good") image.</summary>
    public SyntheticDefectKind? Defect { get; }

    /// <summary>The image label: true when it shows a defect.</summary>
    public bool IsAnomalous => Defect.HasValue;

    /// <summary>Position within its folder; the file stem is this number with three digits (000, 001, ...).</summary>
    public int Index { get; }

    /// <summary>The seed this image was rendered from (derived from the generator seed, category, subset, defect and index).</summary>
    public ulong Seed { get; }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Pixels, row-major, 3 bytes (R, G, B) per pixel: length 3 * Width * Height.</summary>
    public byte[] Rgb { get; }

    /// <summary>Defect mask, row-major, one byte per pixel: 255 exactly where the defect changed the image, else 0 (all 0 for good images).</summary>
    public byte[] Mask { get; }

    /// <summary>Class folder name, e.g. <c>screw</c>.</summary>
    public string ClassName => Category.FolderName();

    /// <summary>Defect folder name, or <c>good</c>.</summary>
    public string DefectName => Defect?.FolderName() ?? "good";

    /// <summary>File stem: <see cref="Index"/> with at least three digits.</summary>
    public string FileStem => Index.ToString("D3", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Path of the image in an MVTec-AD folder, with '/' separators: <c>&lt;class&gt;/&lt;train|test&gt;/&lt;defect|good&gt;/NNN.png</c>.</summary>
    public string RelativePath => $"{ClassName}/{(Subset == SyntheticSubset.Train ? "train" : "test")}/{DefectName}/{FileStem}.png";

    /// <summary>Path of the mask (<c>&lt;class&gt;/ground_truth/&lt;defect&gt;/NNN_mask.png</c>), or null for good images, which MVTec-AD gives no mask.</summary>
    public string? MaskRelativePath => IsAnomalous ? $"{ClassName}/ground_truth/{DefectName}/{FileStem}_mask.png" : null;

    /// <summary>Number of mask pixels set.</summary>
    public int MaskArea => Mask.Count(m => m != 0);

    /// <summary>The pixels as planar float RGB in [0, 1] (channel, row, column): length 3 * Height * Width.</summary>
    public float[] ToChw()
    {
        var plane = Width * Height;
        var chw = new float[3 * plane];
        for (var i = 0; i < plane; i++)
        {
            chw[i] = Rgb[3 * i] / 255f;
            chw[plane + i] = Rgb[3 * i + 1] / 255f;
            chw[2 * plane + i] = Rgb[3 * i + 2] / 255f;
        }
        return chw;
    }

    /// <summary>The mask as floats, 1 on the defect and 0 elsewhere (row, column): length Height * Width.</summary>
    public float[] MaskToFloats() => Mask.Select(m => m != 0 ? 1f : 0f).ToArray();

    /// <summary>The image as a PNG file (8-bit RGB).</summary>
    public byte[] EncodePng() => PngEncoder.EncodeRgb(Rgb, Width, Height);

    /// <summary>The mask as a PNG file (8-bit single channel, values 0 and 255).</summary>
    public byte[] EncodeMaskPng() => PngEncoder.EncodeGray(Mask, Width, Height);

    /// <inheritdoc />
    public override string ToString() => $"{RelativePath} ({Width}x{Height}, seed {Seed})";
}
