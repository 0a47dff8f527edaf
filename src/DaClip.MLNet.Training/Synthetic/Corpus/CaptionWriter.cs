using DaClip.MLNet.Training.Synthetic.Rendering;

namespace DaClip.MLNet.Training.Synthetic.Corpus;

/// <summary>
/// Composes an image's caption from the generator's own ground truth (kind, colour, defect kind, the defect mask's
/// place and size) with varied templates and synonyms, e.g. "a photo of a flawless red washer.", "a scratched wooden
/// board.", "a damaged object with a hole near the top." The words of DA-CLIP's object-agnostic prompts (object,
/// damaged, broken, flaw, defect, damage) occur with their natural meaning: the quality words only in captions of
/// images that are (or are not) defective. Independent images (the shipped <c>mini</c>'s corpus) are captioned by
/// <see cref="Write"/>, where no caption negates them ("without defect"), so each word alone points one way. The
/// hard-negative pairs of <see cref="CaptionCorpus.PairedNegatives"/> are captioned by <see cref="WritePaired"/>, which
/// also negates them for defect-free images ("a red washer without defect", "a wooden board with no damage", as
/// WinCLIP's normal prompts do) and draws noun, colour and template before anything the state decides, so that the
/// flawless and the defective caption of one scene differ in the state words. Both use only words of the same vocabulary.
/// </summary>
internal static class CaptionWriter
{
    private static readonly string[] NormalWords = ["flawless", "perfect", "normal", "good", "intact", "clean", "undamaged"];
    private static readonly string[] DamagedWords = ["damaged", "defective", "broken", "faulty", "flawed", "anomalous"];
    private static readonly string[] NoDefectPhrases = ["in perfect condition", "in good condition", "as new", "without any marks", "in mint condition"];
    private static readonly string[] GenericDefects = ["a flaw", "a defect", "damage", "an anomaly"];
    private static readonly string[] PairedGenericDefects = ["a flaw", "a defect", "damage", "an anomaly", "flaw", "defect"];
    private static readonly string[] NegatedDefects = ["defect", "damage", "flaw", "any defect", "any damage", "a flaw"];
    private static readonly string[] AbsentDefects = ["defect", "damage", "flaw", "marks"];

    /// <summary>Every word a caption can use besides the kind nouns and colour names (for the vocabulary).</summary>
    public static IEnumerable<string> FixedTexts() =>
        NormalWords.Concat(DamagedWords).Concat(NoDefectPhrases).Concat(GenericDefects).Concat(PairedGenericDefects).Concat(NegatedDefects).Concat(AbsentDefects)
            .Concat(Enum.GetValues<CorpusDefectKind>().SelectMany(k => DefectNouns(k).Concat(DefectAdjectives(k))))
            .Concat(["a photo of a the an object surface texture with on in near at side top bottom left right upper lower centre small large . , : close-up of this is without no"]);

    /// <summary>The caption of an image of <paramref name="kind"/>.</summary>
    /// <param name="kind">The kind shown.</param>
    /// <param name="colour">Its palette colour, or null.</param>
    /// <param name="defect">The defect shown, or null.</param>
    /// <param name="mask">The defect mask (row-major, <paramref name="size"/>²), for the defect's place and size.</param>
    /// <param name="size">Image side.</param>
    /// <param name="rng">The caption's own random stream.</param>
    public static string Write(CorpusKind kind, string? colour, CorpusDefectKind? defect, byte[] mask, int size, SyntheticRandom rng)
    {
        var (noun, coloured, thing) = Subject(kind, colour, rng);
        if (defect is not { } d)
        {
            return rng.Next(6) switch
            {
                0 => $"a photo of a {Pick(rng, NormalWords)} {thing}.",
                1 => $"a photo of a {thing}.",
                2 => $"a {Pick(rng, NormalWords)} {thing}.",
                3 => $"a {thing} {Pick(rng, NoDefectPhrases)}.",
                4 => $"a photo of the {Pick(rng, NormalWords)} {thing}.",
                _ => kind.IsTexture ? $"a close-up photo of a {Pick(rng, NormalWords)} {thing}." : $"a {Pick(rng, NormalWords)} object: a {coloured}{noun}.",
            };
        }
        var (place, sized, defectNoun, article) = DefectPhrase(kind, d, mask, size, rng);
        return rng.Next(6) switch
        {
            0 => $"a photo of a {Pick(rng, DamagedWords)} {thing} with {article} {sized}{defectNoun}{place}.",
            1 => $"a {Pick(rng, DefectAdjectives(d))} {thing}.",
            2 => $"a {thing} with {article} {sized}{defectNoun}{place}.",
            3 => $"a photo of a {thing} with {Pick(rng, GenericDefects)}: {article} {sized}{defectNoun}{place}.",
            4 => $"a {Pick(rng, DamagedWords)} object with {article} {sized}{defectNoun}{place}.",
            _ => $"a {Pick(rng, DamagedWords)} {coloured}{noun}, {Pick(rng, DefectAdjectives(d))}{place}.",
        };
    }

    /// <summary>
    /// The caption of one half of a hard-negative pair: the same <paramref name="rng"/> seed for both halves gives the
    /// same noun, colour and template, so the captions differ in the state words (and a defect-free caption may
    /// negate them: "without defect", "with no damage").
    /// </summary>
    public static string WritePaired(CorpusKind kind, string? colour, CorpusDefectKind? defect, byte[] mask, int size, SyntheticRandom rng)
    {
        var (noun, coloured, thing) = Subject(kind, colour, rng);
        int template = rng.Next(8);
        if (defect is not { } d)
        {
            return template switch
            {
                0 => $"a photo of a {Pick(rng, NormalWords)} {thing}.",
                1 => $"a photo of a {thing}.",
                2 => $"a {Pick(rng, NormalWords)} {thing}.",
                3 => $"a {thing} {Pick(rng, NoDefectPhrases)}.",
                4 => $"a photo of the {Pick(rng, NormalWords)} {thing}.",
                5 => $"a photo of a {thing} without {Pick(rng, NegatedDefects)}.",
                6 => $"a {thing} with no {Pick(rng, AbsentDefects)}.",
                _ => kind.IsTexture ? $"a close-up photo of a {Pick(rng, NormalWords)} {thing}." : $"a {Pick(rng, NormalWords)} object: a {coloured}{noun}.",
            };
        }
        var (place, sized, defectNoun, article) = DefectPhrase(kind, d, mask, size, rng);
        return template switch
        {
            0 => $"a photo of a {Pick(rng, DamagedWords)} {thing} with {article} {sized}{defectNoun}{place}.",
            1 => $"a {Pick(rng, DefectAdjectives(d))} {thing}.",
            2 => $"a {Pick(rng, DamagedWords)} {thing}.",
            3 => $"a {thing} with {article} {sized}{defectNoun}{place}.",
            4 => $"a photo of the {Pick(rng, DamagedWords)} {thing}.",
            5 => $"a photo of a {thing} with {Pick(rng, PairedGenericDefects)}.",
            6 => $"a {thing} with {article} {sized}{defectNoun}{place}.",
            _ => kind.IsTexture ? $"a close-up photo of a {Pick(rng, DamagedWords)} {thing}." : $"a {Pick(rng, DamagedWords)} object: a {coloured}{noun}.",
        };
    }

    /// <summary>The noun, the colour prefix ("red " or "") and the thing named ("red hex nut", "surface") of a caption.</summary>
    private static (string Noun, string Coloured, string Thing) Subject(CorpusKind kind, string? colour, SyntheticRandom rng)
    {
        var noun = Pick(rng, kind.Nouns);
        var genericNoun = kind.IsTexture ? Pick(rng, ["surface", "texture", "object"]) : "object";
        var coloured = colour is not null && rng.Chance(0.6) ? colour + " " : "";
        var thing = rng.Chance(0.12) ? genericNoun : coloured + noun;
        return (noun, coloured, thing);
    }

    /// <summary>The place (" near the top" or ""), the size prefix, the defect noun and its article of a defect caption.</summary>
    private static (string Place, string Sized, string DefectNoun, string Article) DefectPhrase(CorpusKind kind, CorpusDefectKind defect, byte[] mask, int size, SyntheticRandom rng)
    {
        var place = rng.Chance(0.6) ? Place(mask, size) : "";
        var extent = Extent(mask, size, kind.IsTexture);
        var sized = extent.Length > 0 && rng.Chance(0.5) ? extent + " " : "";
        var defectNoun = Pick(rng, DefectNouns(defect));
        return (place, sized, defectNoun, Article(sized.Length > 0 ? sized : defectNoun));
    }

    private static string Article(string next) => next.Length > 0 && "aeiou".Contains(next[0], StringComparison.Ordinal) ? "an" : "a";

    private static string Pick(SyntheticRandom rng, IReadOnlyList<string> words) => words[rng.Next(words.Count)];

    /// <summary>Nouns for a defect kind.</summary>
    public static IReadOnlyList<string> DefectNouns(CorpusDefectKind kind) => kind switch
    {
        CorpusDefectKind.Scratch => ["scratch", "scrape", "scratch mark"],
        CorpusDefectKind.Crack => ["crack", "fracture", "crack line"],
        CorpusDefectKind.Hole => ["hole", "puncture", "hole"],
        CorpusDefectKind.Stain => ["stain", "spot", "discoloration"],
        CorpusDefectKind.MissingPiece => ["missing piece", "missing part", "chipped edge"],
        CorpusDefectKind.Contamination => ["contamination", "dirt", "debris"],
        CorpusDefectKind.Bent => ["bent part", "deformation", "dent"],
        CorpusDefectKind.Cut => ["cut", "slit", "cut mark"],
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a defined CorpusDefectKind value."),
    };

    /// <summary>Adjectives (past participles) for a defect kind.</summary>
    public static IReadOnlyList<string> DefectAdjectives(CorpusDefectKind kind) => kind switch
    {
        CorpusDefectKind.Scratch => ["scratched"],
        CorpusDefectKind.Crack => ["cracked"],
        CorpusDefectKind.Hole => ["punctured", "holed"],
        CorpusDefectKind.Stain => ["stained", "spotted"],
        CorpusDefectKind.MissingPiece => ["chipped", "incomplete"],
        CorpusDefectKind.Contamination => ["contaminated", "dirty"],
        CorpusDefectKind.Bent => ["bent", "deformed", "dented"],
        CorpusDefectKind.Cut => ["cut", "slit"],
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a defined CorpusDefectKind value."),
    };

    /// <summary>Where the mask's centroid lies: " near the top", " in the lower left", " in the centre", ...</summary>
    public static string Place(byte[] mask, int size)
    {
        double sx = 0, sy = 0;
        int n = 0;
        for (int i = 0; i < mask.Length; i++)
        {
            if (mask[i] == 0) continue;
            sx += i % size;
            sy += i / size;
            n++;
        }
        if (n == 0) return "";
        var x = (sx / n + 0.5) / size;
        var y = (sy / n + 0.5) / size;
        var vertical = y < 0.36 ? "top" : y > 0.64 ? "bottom" : "";
        var horizontal = x < 0.36 ? "left" : x > 0.64 ? "right" : "";
        if (vertical.Length == 0 && horizontal.Length == 0) return " in the centre";
        if (horizontal.Length == 0) return $" near the {vertical}";
        if (vertical.Length == 0) return $" on the {horizontal} side";
        return $" in the {(vertical == "top" ? "upper" : "lower")} {horizontal}";
    }

    /// <summary>"small", "large" or "" from the mask's share of the image (objects count against a smaller area).</summary>
    public static string Extent(byte[] mask, int size, bool texture)
    {
        var share = mask.Count(m => m != 0) / (double)(size * size) * (texture ? 1.0 : 3.0);
        return share < 0.006 ? "small" : share > 0.03 ? "large" : "";
    }
}
