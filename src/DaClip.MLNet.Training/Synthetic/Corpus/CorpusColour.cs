using DaClip.MLNet.Training.Synthetic.Rendering;

namespace DaClip.MLNet.Training.Synthetic.Corpus;

/// <summary>A named colour of the corpus palette: the word a caption uses and the colour the renderer paints.</summary>
internal sealed record CorpusColour(string Name, Rgb Value)
{
    /// <summary>The palette the procedural kinds draw their colour from, with the caption word of each colour.</summary>
    public static IReadOnlyList<CorpusColour> Palette { get; } =
    [
        new("red", new Rgb(0.72, 0.12, 0.1)),
        new("orange", new Rgb(0.9, 0.45, 0.1)),
        new("yellow", new Rgb(0.9, 0.8, 0.15)),
        new("green", new Rgb(0.15, 0.55, 0.2)),
        new("blue", new Rgb(0.15, 0.3, 0.75)),
        new("purple", new Rgb(0.45, 0.2, 0.6)),
        new("white", new Rgb(0.9, 0.9, 0.88)),
        new("black", new Rgb(0.12, 0.12, 0.13)),
        new("grey", new Rgb(0.5, 0.5, 0.52)),
        new("brown", new Rgb(0.45, 0.28, 0.15)),
        new("silver", new Rgb(0.72, 0.73, 0.76)),
        new("pink", new Rgb(0.88, 0.5, 0.6)),
    ];

    /// <summary>A random palette colour.</summary>
    public static CorpusColour Draw(SyntheticRandom rng) => Palette[rng.Next(Palette.Count)];
}
