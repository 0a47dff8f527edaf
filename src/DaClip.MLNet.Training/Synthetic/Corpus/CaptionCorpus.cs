using DaClip.MLNet.Training.Synthetic.Defects;
using DaClip.MLNet.Training.Synthetic.Rendering;

namespace DaClip.MLNet.Training.Synthetic.Corpus;

/// <summary>
/// The captioned synthetic image corpus for contrastive (CLIP-style) pretraining: image <c>i</c> of a partition shows
/// one of the <see cref="CorpusKinds"/> (random kind, colour, pose, scale, background), defect-free or with one of the
/// kind's defects, and a caption composed from that ground truth (<see cref="CaptionWriter"/>).
/// <para>
/// Seeds: every image seed is hashed from a corpus-only domain constant, <see cref="Seed"/>, the partition and the
/// index, so the corpus never draws the same instance as <see cref="SyntheticDefectGenerator"/>, whose seeds hash the
/// dataset seed with category, subset, defect and index (and the test <c>CaptionCorpusTests</c> checks both the seeds
/// and the pixels of the default quick-start sets). Rendering is deterministic, as the defect generator's is.
/// </para>
/// </summary>
internal sealed class CaptionCorpus
{
    private const ulong Domain = 0xC0A9_0C1A_7E57_2026UL;

    /// <summary>Creates a corpus.</summary>
    /// <param name="seed">Corpus seed.</param>
    /// <param name="imageSize">Image side in pixels (32 to 512).</param>
    /// <param name="anomalousFraction">Share of images with a defect, in [0, 1].</param>
    /// <exception cref="DaClipException">An argument is out of range.</exception>
    public CaptionCorpus(int seed, int imageSize, double anomalousFraction = 0.5)
    {
        if (imageSize is < 32 or > 512) throw new DaClipException($"Corpus image size {imageSize} is out of range: use 32 to 512 pixels.");
        if (anomalousFraction is < 0 or > 1 || double.IsNaN(anomalousFraction)) throw new DaClipException($"Corpus anomalous fraction {anomalousFraction} is out of range: use 0 to 1.");
        Seed = seed;
        ImageSize = imageSize;
        AnomalousFraction = anomalousFraction;
    }

    /// <summary>The corpus seed.</summary>
    public int Seed { get; }

    /// <summary>Image side in pixels.</summary>
    public int ImageSize { get; }

    /// <summary>Share of images with a defect.</summary>
    public double AnomalousFraction { get; }

    /// <summary>The seed image <paramref name="index"/> of <paramref name="partition"/> is drawn from.</summary>
    public ulong ImageSeed(CorpusPartition partition, int index) =>
        SyntheticRandom.Mix(Domain, (ulong)(long)Seed, (ulong)partition + 1, (ulong)index);

    /// <summary>
    /// Hard negatives: image <c>2k</c> is the flawless and image <c>2k + 1</c> the defective rendering of one scene (same
    /// kind, colour, pose, background, lighting and caption stream, so the two captions differ in the state words), and
    /// a pair's defect changes at least <see cref="MinPairedDefectShare"/> of the pixels, so that it is visible at the
    /// corpus size. A contrastive batch holding both halves can only tell them apart by the defect. False (the
    /// default): every image is its own scene, defective with probability <see cref="AnomalousFraction"/>.
    /// </summary>
    public bool PairedNegatives { get; init; }

    /// <summary>Least share of the image a paired defect must change (0.4 %, e.g. 16 pixels at 64 px).</summary>
    public const double MinPairedDefectShare = 0.004;

    /// <summary>Renders image <paramref name="index"/> of <paramref name="partition"/> with its caption.</summary>
    /// <exception cref="DaClipException"><paramref name="index"/> is negative.</exception>
    public CaptionedImage Render(CorpusPartition partition, int index)
    {
        if (index < 0) throw new DaClipException($"Corpus image index must be 0 or more (got {index}).");
        bool paired = PairedNegatives;
        var seed = ImageSeed(partition, paired ? index / 2 : index);
        var pick = new SyntheticRandom(SyntheticRandom.Mix(seed, 1));
        var kind = CorpusKinds.All[pick.Next(CorpusKinds.All.Count)];
        var colour = kind.IsColoured ? CorpusColour.Draw(pick) : null;
        int first = paired || pick.Chance(AnomalousFraction) ? pick.Next(kind.DefectKinds.Count) : -1;
        int minChanged = (int)Math.Ceiling(MinPairedDefectShare * ImageSize * ImageSize);
        int attempts = 4 * kind.DefectKinds.Count;
        for (int attempt = 0; ; attempt++)
        {
            // A defect that cannot be made visible on this instance (e.g. a distortion along brushed streaks at a small
            // size), or in paired mode one that changes too few pixels, is redrawn on a fresh instance, and after four
            // tries the kind's next defect is used.
            CorpusDefectKind? defect = first < 0 ? null : kind.DefectKinds[(first + attempt / 4) % kind.DefectKinds.Count];
            var renderSeed = SyntheticRandom.Mix(seed, 2, (ulong)attempt);
            try
            {
                var (rgb, mask) = ImageRenderer.Render((rng, pixel, aa) => kind.CreateScene(colour, rng, pixel, aa), Painter(defect),
                    kind.Name, defect?.ToString(), renderSeed, ImageSize, antiAlias: true);
                if (paired && defect is not null && attempt < attempts - 1 && mask.Count(m => m != 0) < minChanged) continue;
                if (paired && index % 2 == 0)
                {
                    // The flawless half: the same scene seed without the painter is the defective image minus its defect.
                    (rgb, mask) = ImageRenderer.Render((rng, pixel, aa) => kind.CreateScene(colour, rng, pixel, aa), null, kind.Name, null, renderSeed, ImageSize, antiAlias: true);
                    defect = null;
                }
                var caption = Caption(paired, kind, colour?.Name, defect, mask, ImageSize, new SyntheticRandom(SyntheticRandom.Mix(seed, 3)));
                return new CaptionedImage(kind, colour?.Name, defect, caption, ImageSize, rgb, mask, renderSeed) { Paired = paired };
            }
            catch (DaClipException) when (attempt < attempts)
            {
            }
        }
    }

    private static Func<Scene, SyntheticRandom, Defect>? Painter(CorpusDefectKind? defect) => defect switch
    {
        null => null,
        CorpusDefectKind.Cut => (scene, rng) => new CutDefect(scene, rng),
        { } d => (scene, rng) => DefectFactory.Create(CorpusKinds.ToGenerator(d)!.Value, scene, rng),
    };

    /// <summary>
    /// Caption variant <paramref name="variant"/> of an image: variant 0 is <see cref="CaptionedImage.Caption"/>, others
    /// describe the same ground truth with other templates and synonyms drawn from the image seed and the variant.
    /// </summary>
    public static string Recaption(CaptionedImage image, int variant) => variant == 0
        ? image.Caption
        : Caption(image.Paired, image.Kind, image.Colour, image.Defect, image.Mask, image.Size, new SyntheticRandom(SyntheticRandom.Mix(image.Seed, 4, (ulong)variant)));

    private static string Caption(bool paired, CorpusKind kind, string? colour, CorpusDefectKind? defect, byte[] mask, int size, SyntheticRandom rng) => paired
        ? CaptionWriter.WritePaired(kind, colour, defect, mask, size, rng)
        : CaptionWriter.Write(kind, colour, defect, mask, size, rng);

    /// <summary>Every text a caption can contain (for building a word vocabulary): the fixed caption words, the kind nouns, the colour names.</summary>
    public static IEnumerable<string> Lexicon() =>
        CaptionWriter.FixedTexts().Concat(CorpusKinds.All.SelectMany(k => k.Nouns)).Concat(CorpusColour.Palette.Select(c => c.Name));
}
