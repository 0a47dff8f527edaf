using DaClip.MLNet.Training.Synthetic.Defects;
using DaClip.MLNet.Training.Synthetic.Rendering;

namespace DaClip.MLNet.Training.Synthetic.Corpus;

/// <summary>One image of the captioned pretraining corpus with the ground truth its caption was composed from.</summary>
/// <param name="Kind">The object or texture kind.</param>
/// <param name="Colour">The palette colour's name, or null for kinds without one.</param>
/// <param name="Defect">The defect shown, or null for a defect-free image.</param>
/// <param name="Caption">The caption.</param>
/// <param name="Size">Image side in pixels.</param>
/// <param name="Rgb">Pixels, row-major RGB bytes (3 · Size²).</param>
/// <param name="Mask">Defect mask, row-major, 255 where the defect changed the image (Size²).</param>
/// <param name="Seed">The seed the image was rendered from.</param>
internal sealed record CaptionedImage(CorpusKind Kind, string? Colour, CorpusDefectKind? Defect, string Caption, int Size, byte[] Rgb, byte[] Mask, ulong Seed)
{
    /// <summary>True for one half of a hard-negative pair (<see cref="CaptionCorpus.PairedNegatives"/>): re-captions then keep the pair's shared caption stream.</summary>
    public bool Paired { get; init; }

    /// <summary>The pixels as planar float RGB in [0, 1] (channel, row, column).</summary>
    public float[] ToChw()
    {
        var plane = Size * Size;
        var chw = new float[3 * plane];
        for (int i = 0; i < plane; i++)
            for (int c = 0; c < 3; c++)
                chw[c * plane + i] = Rgb[3 * i + c] / 255f;
        return chw;
    }
}
