namespace DaClip.MLNet.Training.Synthetic.Corpus;

/// <summary>
/// The 24 kinds of the captioned pretraining corpus: the eight categories of the defect generator (so that, as with
/// CLIP's web data, pretraining sees every category DA-CLIP later holds out, though never the same images) and
/// sixteen procedural ones (nine objects, seven surfaces) in random palette colours.
/// </summary>
internal static class CorpusKinds
{
    private static readonly CorpusDefectKind[] ObjectDefects =
        [CorpusDefectKind.Scratch, CorpusDefectKind.Crack, CorpusDefectKind.Hole, CorpusDefectKind.Stain, CorpusDefectKind.MissingPiece, CorpusDefectKind.Contamination, CorpusDefectKind.Bent, CorpusDefectKind.Cut];

    private static readonly CorpusDefectKind[] SurfaceDefects =
        [CorpusDefectKind.Scratch, CorpusDefectKind.Crack, CorpusDefectKind.Hole, CorpusDefectKind.Stain, CorpusDefectKind.Contamination, CorpusDefectKind.Bent, CorpusDefectKind.Cut];

    /// <summary>Every kind: the eight generator categories first, then the procedural objects, then the procedural surfaces.</summary>
    public static IReadOnlyList<CorpusKind> All { get; } = Build();

    /// <summary>The kind called <paramref name="name"/> (case-insensitive).</summary>
    /// <exception cref="DaClipException">No kind has that name; the message lists the valid ones.</exception>
    public static CorpusKind Parse(string name) =>
        All.FirstOrDefault(k => string.Equals(k.Name, name.Trim(), StringComparison.OrdinalIgnoreCase))
        ?? throw new DaClipException($"Unknown corpus kind '{name}'. Use one of: {string.Join(", ", All.Select(k => k.Name))}.");

    /// <summary>The corpus kind that renders the defect-generator category <paramref name="category"/>.</summary>
    public static CorpusKind Of(SyntheticCategory category) => All.First(k => k.Category == category);

    private static IReadOnlyList<CorpusKind> Build()
    {
        var kinds = new List<CorpusKind>();
        foreach (var c in SyntheticCategories.All)
        {
            var defects = c.DefectKinds().Select(ToCorpus).Append(CorpusDefectKind.Cut).ToArray();
            var category = c;
            kinds.Add(new CorpusKind(c.FolderName(), c.IsTexture(), GeneratorNouns(c), coloured: false, c, defects,
                (_, rng, pixel, aa) => SyntheticCategories.CreateScene(category, rng, pixel, aa)));
        }
        void Object(string name, ObjectShape shape, params string[] nouns) =>
            kinds.Add(new CorpusKind(name, false, nouns, coloured: true, null, ObjectDefects,
                (colour, rng, pixel, aa) => new ProceduralObjectScene(shape, colour!.Value, rng, pixel, aa)));
        void Surface(string name, TexturePattern pattern, params string[] nouns) =>
            kinds.Add(new CorpusKind(name, true, nouns, coloured: true, null, SurfaceDefects,
                (colour, rng, pixel, aa) => new ProceduralTextureScene(pattern, colour!.Value, rng, pixel, aa)));

        Object("washer", ObjectShape.Washer, "washer", "flat washer", "metal washer");
        Object("gear", ObjectShape.Gear, "gear", "gear wheel", "cog");
        Object("bottle_cap", ObjectShape.BottleCap, "bottle cap", "cap", "lid");
        Object("button", ObjectShape.Button, "button", "sewing button", "round button");
        Object("plate", ObjectShape.Plate, "plate", "mounting plate", "metal plate");
        Object("tablet", ObjectShape.Tablet, "tablet", "pill", "round pill");
        Object("o_ring", ObjectShape.ORing, "ring", "o-ring", "sealing ring");
        Object("bracket", ObjectShape.Bracket, "bracket", "angle bracket", "l bracket");
        Object("knob", ObjectShape.Knob, "knob", "star knob", "handle knob");
        Surface("tiles", TexturePattern.Tiles, "tiles", "tiled floor", "ceramic tiles");
        Surface("brick", TexturePattern.Brick, "brick wall", "bricks", "brickwork");
        Surface("leather", TexturePattern.Leather, "leather", "leather surface", "hide");
        Surface("brushed_metal", TexturePattern.BrushedMetal, "brushed metal", "metal sheet", "steel surface");
        Surface("concrete", TexturePattern.Concrete, "concrete", "cement", "concrete floor");
        Surface("mesh", TexturePattern.Mesh, "perforated sheet", "metal mesh", "grille");
        Surface("marble", TexturePattern.Marble, "marble", "marble slab", "stone");
        return kinds;
    }

    private static string[] GeneratorNouns(SyntheticCategory c) => c switch
    {
        SyntheticCategory.Stripes => ["striped fabric", "striped cloth", "stripes"],
        SyntheticCategory.Weave => ["woven fabric", "basket weave", "weave"],
        SyntheticCategory.Carpet => ["carpet", "rug", "carpet pile"],
        SyntheticCategory.Wood => ["wood", "wooden board", "timber"],
        SyntheticCategory.Nut => ["metal nut", "hex nut", "nut"],
        SyntheticCategory.Capsule => ["capsule", "pill capsule", "medicine capsule"],
        SyntheticCategory.Screw => ["screw", "metal screw", "bolt"],
        SyntheticCategory.Pcb => ["printed circuit board", "circuit board", "pcb"],
        _ => throw new ArgumentOutOfRangeException(nameof(c), c, "Not a defined SyntheticCategory value."),
    };

    /// <summary>The corpus kind of a defect-generator kind.</summary>
    public static CorpusDefectKind ToCorpus(SyntheticDefectKind kind) => kind switch
    {
        SyntheticDefectKind.Scratch => CorpusDefectKind.Scratch,
        SyntheticDefectKind.Crack => CorpusDefectKind.Crack,
        SyntheticDefectKind.Hole => CorpusDefectKind.Hole,
        SyntheticDefectKind.Stain => CorpusDefectKind.Stain,
        SyntheticDefectKind.MissingPiece => CorpusDefectKind.MissingPiece,
        SyntheticDefectKind.Contamination => CorpusDefectKind.Contamination,
        SyntheticDefectKind.Bent => CorpusDefectKind.Bent,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a defined SyntheticDefectKind value."),
    };

    /// <summary>The defect-generator kind of a corpus kind, or null for <see cref="CorpusDefectKind.Cut"/>, which only the corpus draws.</summary>
    public static SyntheticDefectKind? ToGenerator(CorpusDefectKind kind) => kind switch
    {
        CorpusDefectKind.Scratch => SyntheticDefectKind.Scratch,
        CorpusDefectKind.Crack => SyntheticDefectKind.Crack,
        CorpusDefectKind.Hole => SyntheticDefectKind.Hole,
        CorpusDefectKind.Stain => SyntheticDefectKind.Stain,
        CorpusDefectKind.MissingPiece => SyntheticDefectKind.MissingPiece,
        CorpusDefectKind.Contamination => SyntheticDefectKind.Contamination,
        CorpusDefectKind.Bent => SyntheticDefectKind.Bent,
        _ => null,
    };
}
