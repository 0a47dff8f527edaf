using DaClip.MLNet.Imaging;

namespace DaClip.MLNet.Reporting;

/// <summary>Options of <see cref="HeatmapOverlay"/>; validated when an overlay is rendered.</summary>
public sealed class HeatmapOverlayOptions
{
    /// <summary>How scores map onto the colour scale. Default <see cref="ScoreNormalization.Fixed"/> over [<see cref="RangeMin"/>, <see cref="RangeMax"/>].</summary>
    public ScoreNormalization Normalization { get; set; } = ScoreNormalization.Fixed;

    /// <summary>Score drawn as the coldest colour under <see cref="ScoreNormalization.Fixed"/>. Default 0.</summary>
    public float RangeMin { get; set; }

    /// <summary>Score drawn as the hottest colour under <see cref="ScoreNormalization.Fixed"/>; above <see cref="RangeMin"/>. Default 1.</summary>
    public float RangeMax { get; set; } = 1f;

    /// <summary>Weight of the heat colour over the image, in [0, 1] (1: colour only). Default 0.5.</summary>
    public float Opacity { get; set; } = 0.5f;

    /// <summary>How the image was fitted into the model's square input, so that the map lands where the model saw it. Default <see cref="ImageFit.Stretch"/>.</summary>
    public ImageFit Fit { get; set; } = ImageFit.Stretch;

    /// <summary>Pixel score threshold: the outline of the area scoring &gt;= it is drawn in <see cref="PredictionColor"/>. Null (default): no predicted outline.</summary>
    public float? Threshold { get; set; }

    /// <summary>Outline width in pixels, 1 or more; null (default): max(2, round(shorter side / 170)), e.g. 2 at 256 px, 6 at 1024 px.</summary>
    public int? ContourWidth { get; set; }

    /// <summary>Colour of the ground-truth outline. Default pure green.</summary>
    public Rgb24 GroundTruthColor { get; set; } = new(0, 255, 0);

    /// <summary>
    /// Colour of the predicted (thresholded) outline. Default magenta: the heat scale holds no magenta, so the outline
    /// stands out on every heat colour (a red one would vanish in the hot end) and differs from the green ground truth.
    /// </summary>
    public Rgb24 PredictionColor { get; set; } = new(255, 0, 255);

    /// <summary>A copy.</summary>
    public HeatmapOverlayOptions Clone() => (HeatmapOverlayOptions)MemberwiseClone();
}
