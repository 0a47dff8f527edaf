namespace DaClip.MLNet.Training.Synthetic;

/// <summary>The kinds of defect the synthetic generator draws; each category uses those that make sense for it (see <see cref="SyntheticCategories.DefectKinds"/>).</summary>
public enum SyntheticDefectKind
{
    /// <summary>A thin curved scratch, bright on dark surfaces and dark on light ones (folder <c>scratch</c>).</summary>
    Scratch,

    /// <summary>A dark jagged crack with side branches (folder <c>crack</c>).</summary>
    Crack,

    /// <summary>A hole or poke: a dark cavity with a frayed rim (folder <c>hole</c>).</summary>
    Hole,

    /// <summary>A translucent stain or colour spot (folder <c>stain</c>).</summary>
    Stain,

    /// <summary>A piece broken off the object's edge, or a part missing from a board (folder <c>missing_piece</c>).</summary>
    MissingPiece,

    /// <summary>Foreign particles or a fibre on the surface (folder <c>contamination</c>).</summary>
    Contamination,

    /// <summary>A bent or misaligned part: a bent screw, a misplaced board part, a dented nut, a distorted weave or stripe pattern (folder <c>bent</c>).</summary>
    Bent,
}
