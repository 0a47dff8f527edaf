namespace DaClip.MLNet.Scoring;

/// <summary>The size at which anomaly maps are returned.</summary>
public enum AnomalyMapSize
{
    /// <summary>The model's input size S x S, in the geometry of the fitted input (the map as the model computes it).</summary>
    Model = 0,

    /// <summary>
    /// Each image's own width x height: the S x S map resized bilinearly (align_corners = false) through the image's
    /// fit, so that map pixel (x, y) belongs to image pixel (x, y) (METHOD §5).
    /// </summary>
    Source = 1,
}
