namespace DaClip.MLNet.Training.Synthetic.Corpus;

/// <summary>The outlines of the procedural corpus objects drawn by <see cref="ProceduralObjectScene"/>.</summary>
internal enum ObjectShape
{
    /// <summary>A flat ring with a wide bore.</summary>
    Washer,

    /// <summary>A spur gear with square teeth and a bore.</summary>
    Gear,

    /// <summary>A round cap with a fluted rim.</summary>
    BottleCap,

    /// <summary>A round button with four thread holes.</summary>
    Button,

    /// <summary>A rounded rectangular plate with a hole in each corner.</summary>
    Plate,

    /// <summary>A round pill with a score line.</summary>
    Tablet,

    /// <summary>A thin ring (a sealing ring).</summary>
    ORing,

    /// <summary>An L-shaped angle bracket with two holes.</summary>
    Bracket,

    /// <summary>A five-lobed star knob.</summary>
    Knob,
}
