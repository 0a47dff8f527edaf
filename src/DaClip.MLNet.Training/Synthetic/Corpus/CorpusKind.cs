using DaClip.MLNet.Training.Synthetic.Rendering;

namespace DaClip.MLNet.Training.Synthetic.Corpus;

/// <summary>
/// One object or texture kind of the captioned pretraining corpus: its name, the nouns captions call it by, whether
/// it is a texture, whether it gets a random palette colour, the defects it can show, and how it is drawn.
/// </summary>
internal sealed class CorpusKind
{
    private readonly Func<CorpusColour?, SyntheticRandom, double, bool, Scene> _createScene;

    internal CorpusKind(string name, bool isTexture, IReadOnlyList<string> nouns, bool coloured, SyntheticCategory? category,
        IReadOnlyList<CorpusDefectKind> defects, Func<CorpusColour?, SyntheticRandom, double, bool, Scene> createScene)
    {
        Name = name;
        IsTexture = isTexture;
        Nouns = nouns;
        IsColoured = coloured;
        Category = category;
        DefectKinds = defects;
        _createScene = createScene;
    }

    /// <summary>Identifier, lower case (e.g. <c>washer</c>, <c>brick</c>; the eight defect-generator kinds use their folder names).</summary>
    public string Name { get; }

    /// <summary>True when the surface fills the image; false for an object on a table.</summary>
    public bool IsTexture { get; }

    /// <summary>The nouns (synonyms) captions use for this kind; the first is the plain name.</summary>
    public IReadOnlyList<string> Nouns { get; }

    /// <summary>True when each image draws a random palette colour that captions may name.</summary>
    public bool IsColoured { get; }

    /// <summary>The defect-generator category this kind renders, or null for the corpus's own procedural kinds.</summary>
    public SyntheticCategory? Category { get; }

    /// <summary>The defect kinds this kind can show.</summary>
    public IReadOnlyList<CorpusDefectKind> DefectKinds { get; }

    internal Scene CreateScene(CorpusColour? colour, SyntheticRandom rng, double pixel, bool antiAlias) => _createScene(colour, rng, pixel, antiAlias);

    /// <inheritdoc/>
    public override string ToString() => Name;
}
