namespace DaClip.MLNet.Training.Synthetic;

/// <summary>The product categories the synthetic generator draws: four textures and four objects.</summary>
public enum SyntheticCategory
{
    /// <summary>Texture: navy and cream striped textile with a red pinstripe (folder <c>stripes</c>).</summary>
    Stripes,

    /// <summary>Texture: basket weave of jute thread bundles, a checker of horizontal and vertical cells (folder <c>weave</c>).</summary>
    Weave,

    /// <summary>Texture: grey-blue loop-pile carpet, a noise texture with light flecks (folder <c>carpet</c>).</summary>
    Carpet,

    /// <summary>Texture: planed wood with growth rings and fibres (folder <c>wood</c>).</summary>
    Wood,

    /// <summary>Object: a chamfered steel hex nut on a dark table (folder <c>nut</c>).</summary>
    Nut,

    /// <summary>Object: a red and ivory capsule with a printed code on paper (folder <c>capsule</c>).</summary>
    Capsule,

    /// <summary>Object: a threaded steel screw in any orientation on a grey table (folder <c>screw</c>).</summary>
    Screw,

    /// <summary>Object: a populated printed circuit board, with a grid-like layout of parts and traces (folder <c>pcb</c>).</summary>
    Pcb,
}
