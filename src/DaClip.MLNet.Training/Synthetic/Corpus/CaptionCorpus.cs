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

    /// <summary>Renders image <paramref name="index"/> of <paramref name="partition"/> with its caption.</summary>
    /// <exception cref="DaClipException"><paramref name="index"/> is negative.</exception>
    public CaptionedImage Render(CorpusPartition partition, int index)
    {
        if (index < 0) throw new DaClipException($"Corpus image index must be 0 or more (got {index}).");
        var seed = ImageSeed(partition, index);
        var pick = new SyntheticRandom(SyntheticRandom.Mix(seed, 1));
        var kind = CorpusKinds.All[pick.Next(CorpusKinds.All.Count)];
        var colour = kind.IsColoured ? CorpusColour.Draw(pick) : null;
        int first = pick.Chance(AnomalousFraction) ? pick.Next(kind.DefectKinds.Count) : -1;
        for (int attempt = 0; ; attempt++)
        {
            // A defect that cannot be made visible on this instance (e.g. a distortion along brushed streaks at a small
            // size) is redrawn on a fresh instance, and after four tries the kind's next defect is used.
            CorpusDefectKind? defect = first < 0 ? null : kind.DefectKinds[(first + attempt / 4) % kind.DefectKinds.Count];
            var renderSeed = SyntheticRandom.Mix(seed, 2, (ulong)attempt);
            try
            {
                var (rgb, mask) = ImageRenderer.Render((rng, pixel, aa) => kind.CreateScene(colour, rng, pixel, aa), Painter(defect),
                    kind.Name, defect?.ToString(), renderSeed, ImageSize, antiAlias: true);
                var caption = CaptionWriter.Write(kind, colour?.Name, defect, mask, ImageSize, new SyntheticRandom(SyntheticRandom.Mix(seed, 3)));
                return new CaptionedImage(kind, colour?.Name, defect, caption, ImageSize, rgb, mask, renderSeed);
            }
            catch (DaClipException) when (attempt < 4 * kind.DefectKinds.Count)
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
        : CaptionWriter.Write(image.Kind, image.Colour, image.Defect, image.Mask, image.Size, new SyntheticRandom(SyntheticRandom.Mix(image.Seed, 4, (ulong)variant)));

    /// <summary>Every text a caption can contain (for building a word vocabulary): the fixed caption words, the kind nouns, the colour names.</summary>
    public static IEnumerable<string> Lexicon() =>
        CaptionWriter.FixedTexts().Concat(CorpusKinds.All.SelectMany(k => k.Nouns)).Concat(CorpusColour.Palette.Select(c => c.Name));
}
