using DaClip.MLNet.Imaging;
using DaClip.MLNet.Metrics;

namespace DaClip.MLNet;

/// <summary>
/// Options of <c>mlContext.AnomalyDetection.EvaluateSegmentation</c>: which columns of a scored data view hold the
/// image score, the anomaly map, the label, the ground-truth mask and the class, and how the metrics are computed.
/// </summary>
public sealed class DaClipSegmentationEvaluatorOptions
{
    /// <summary>The image anomaly score (<c>Single</c>). Default "Score".</summary>
    public string ScoreColumnName { get; set; } = DaClipDefaults.ScoreColumnName;

    /// <summary>The pixel anomaly map (<c>Vector&lt;Single&gt;</c> of S·S values, row-major, as the DA-CLIP transformer writes it). Default "AnomalyMap".</summary>
    public string AnomalyMapColumnName { get; set; } = "AnomalyMap";

    /// <summary>The image label: <c>Boolean</c> (true = anomalous) or <c>Single</c> (1 / 0). Default "Label".</summary>
    public string LabelColumnName { get; set; } = DaClipDefaults.LabelColumnName;

    /// <summary>
    /// The ground-truth mask, or null for none (then only the image metrics are defined): <c>String</c> (a mask file
    /// path, empty for an image without one), <c>Image</c> (from <c>LoadImages</c>), both resized to the map's S x S
    /// with <see cref="MaskLoader"/> and <see cref="Fit"/>; or <c>Vector&lt;Single&gt;</c> / <c>Vector&lt;Byte&gt;</c>
    /// of S·S values already at the map's size (non-zero = anomalous). Default "Mask".
    /// </summary>
    public string? MaskColumnName { get; set; } = "Mask";

    /// <summary>The object class (<c>String</c>); metrics are computed per class and averaged. Null (default) puts every image in one class named "all".</summary>
    public string? ClassColumnName { get; set; }

    /// <summary>How mask files and images are brought to S x S: the fit the model scored with (default Stretch, DA-CLIP's).</summary>
    public ImageFit Fit { get; set; } = ImageFit.Stretch;

    /// <summary>The metric settings: exact or bounded-memory streaming evaluation, the PRO false-positive-rate limit, ...</summary>
    public SegmentationEvaluatorOptions Metrics { get; set; } = new();
}
