namespace DaClip.MLNet.Training.Synthetic.Corpus;

/// <summary>The defect kinds of the captioned pretraining corpus: the seven kinds of the defect generator and a cut.</summary>
internal enum CorpusDefectKind
{
    /// <summary>A thin scratch.</summary>
    Scratch,

    /// <summary>A branching crack.</summary>
    Crack,

    /// <summary>A hole with a frayed rim.</summary>
    Hole,

    /// <summary>A stain or colour spot.</summary>
    Stain,

    /// <summary>A piece broken off, a part missing (objects only).</summary>
    MissingPiece,

    /// <summary>Foreign particles or a fibre.</summary>
    Contamination,

    /// <summary>A bent, dented or distorted area.</summary>
    Bent,

    /// <summary>A straight clean cut (slit).</summary>
    Cut,
}
