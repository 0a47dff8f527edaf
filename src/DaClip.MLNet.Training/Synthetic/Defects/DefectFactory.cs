using DaClip.MLNet.Training.Synthetic.Rendering;

namespace DaClip.MLNet.Training.Synthetic.Defects;

/// <summary>Draws a random defect of a kind for a scene: the scene's own geometric variant when it has one, else the generic painter.</summary>
internal static class DefectFactory
{
    public static Defect Create(SyntheticDefectKind kind, Scene scene, SyntheticRandom rng)
    {
        if (scene.Deform(kind, rng) is { } deformed) return new DeformedSceneDefect(deformed);
        return kind switch
        {
            SyntheticDefectKind.Scratch => new ScratchDefect(scene, rng),
            SyntheticDefectKind.Crack => new CrackDefect(scene, rng),
            SyntheticDefectKind.Hole => new HoleDefect(scene, rng),
            SyntheticDefectKind.Stain => new StainDefect(scene, rng),
            SyntheticDefectKind.Contamination => new ContaminationDefect(scene, rng),
            SyntheticDefectKind.MissingPiece when !scene.IsTexture => new MissingPieceDefect(scene, rng),
            SyntheticDefectKind.Bent => new WarpDefect(scene, rng),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "This defect kind has no painter for the scene."),
        };
    }
}
