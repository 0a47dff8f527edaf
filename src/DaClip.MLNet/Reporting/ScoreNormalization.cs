namespace DaClip.MLNet.Reporting;

/// <summary>How anomaly scores are mapped onto the colour scale (<see cref="HeatColorMap"/>) of an overlay.</summary>
public enum ScoreNormalization
{
    /// <summary>
    /// A fixed range, the same for every image: <see cref="HeatmapOverlayOptions.RangeMin"/> maps to 0 and
    /// <see cref="HeatmapOverlayOptions.RangeMax"/> to 1, values outside are clamped. The default, with [0, 1], the
    /// range of DA-CLIP's maps (softmax probabilities); pass a global range (e.g. the class's score range) for maps
    /// on another scale. Colours then compare across images: a normal image stays cold.
    /// </summary>
    Fixed,

    /// <summary>
    /// Each image's own minimum maps to 0 and its maximum to 1 (a constant map is all 0). Shows the shape of every map,
    /// but a normal image looks as hot as a defective one: use it to inspect localisation, not to compare images.
    /// </summary>
    PerImage,
}
