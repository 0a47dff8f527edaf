namespace DaClip.MLNet.Scoring;

/// <summary>
/// Keys of the ONNX <c>metadata_props</c> a DA-CLIP model carries, and the values of the format markers. They are
/// written and read only through <see cref="DaClipModelContract"/>.
/// </summary>
public static class DaClipModelMetadata
{
    /// <summary>Marks the file as a DA-CLIP model; its value is <see cref="FormatName"/>. Required.</summary>
    public const string Format = "daclip.format";

    /// <summary>Version of the input / output contract (an integer, see <see cref="CurrentFormatVersion"/>). Required.</summary>
    public const string FormatVersion = "daclip.format_version";

    /// <summary>Version of the DaClip.MLNet library that exported the model (informational).</summary>
    public const string Version = "daclip.version";

    /// <summary>Side S of the square input, in pixels (an integer). Falls back to the input's fixed shape when absent.</summary>
    public const string ImageSize = "daclip.image_size";

    /// <summary>How images are fitted to S x S in training (<see cref="Imaging.ImageFit"/> name: Stretch, Pad, Crop). Stretch when absent.</summary>
    public const string ImageFit = "daclip.image_fit";

    /// <summary>Side g of the patch grid of <c>patch_map</c> (an integer; informational, the output shape is authoritative).</summary>
    public const string PatchGrid = "daclip.patch_grid";

    /// <summary>The CLIP backbone, e.g. <c>ViT-L/14@336px</c> (informational).</summary>
    public const string Backbone = "daclip.backbone";

    /// <summary>Content hash of the backbone weights (the training checkpoint's fingerprint; informational).</summary>
    public const string BackboneFingerprint = "daclip.backbone_fingerprint";

    /// <summary>
    /// How the model detects (informational): <c>da-clip</c> (trained adapters and DAR) or <c>zero-shot-ensemble</c>
    /// (the training-free CLIP baseline with a compositional prompt ensemble). Models without it are DA-CLIP.
    /// </summary>
    public const string Method = "daclip.method";

    /// <summary>
    /// The DA-CLIP network options the model was exported with, as JSON without the threshold (which the model holds
    /// once, <see cref="Threshold"/>); see <see cref="DaClipModelContract.NetworkOptions"/>. Models exported before
    /// carry a threshold in it too, which is ignored.
    /// </summary>
    public const string OptionsJson = "daclip.options_json";

    /// <summary>The score threshold baked into <c>predicted_label</c> (invariant-culture float).</summary>
    public const string Threshold = "daclip.threshold";

    /// <summary>
    /// Numeric precision of the graph's heavy computation: <c>Float32</c>, <c>Float16</c> or <c>Int8</c> (the
    /// exporter's <c>OnnxPrecision</c> name). Absent in models exported before it was recorded (those are Float32 or
    /// Float16); <see cref="DaClipOnnxScorer.Precision"/> reports it.
    /// </summary>
    public const string Precision = "daclip.precision";

    /// <summary>For Int8 models: how the quantised matrix products are written (the exporter's <c>Int8MatMulForm</c> name; informational).</summary>
    public const string Int8Form = "daclip.int8_form";

    /// <summary>The value of <see cref="Format"/>.</summary>
    public const string FormatName = "daclip-anomaly-onnx";

    /// <summary>The contract version this library writes and the newest it reads.</summary>
    public const int CurrentFormatVersion = 1;
}
