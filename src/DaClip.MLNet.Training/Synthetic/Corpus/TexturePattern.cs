namespace DaClip.MLNet.Training.Synthetic.Corpus;

/// <summary>The surfaces of the procedural corpus textures drawn by <see cref="ProceduralTextureScene"/>.</summary>
internal enum TexturePattern
{
    /// <summary>Square ceramic tiles with grout lines.</summary>
    Tiles,

    /// <summary>A brick wall: staggered rows with mortar.</summary>
    Brick,

    /// <summary>Grained leather with creases.</summary>
    Leather,

    /// <summary>Brushed metal: fine streaks along one direction.</summary>
    BrushedMetal,

    /// <summary>Concrete: cloudy grey with small pores.</summary>
    Concrete,

    /// <summary>A perforated metal sheet: a grid of round holes.</summary>
    Mesh,

    /// <summary>Marble: a light stone with dark veins.</summary>
    Marble,
}
