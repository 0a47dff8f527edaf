using DaClip.MLNet.Imaging;

namespace DaClip.MLNet.Training.Export;

/// <summary>Options of <see cref="DaClipOnnxExporter"/>; every property has a working default.</summary>
internal sealed record DaClipExportOptions
{
    /// <summary>
    /// Float32 (default, the reference), Float16 (for GPUs; see <see cref="OnnxPrecision.Float16"/>) or Int8 (for CPUs;
    /// see <see cref="OnnxPrecision.Int8"/>).
    /// </summary>
    public OnnxPrecision Precision { get; init; } = OnnxPrecision.Float32;

    /// <summary>Default-domain opset, 17 (the first with <c>LayerNormalization</c>) to 21.</summary>
    public int Opset { get; init; } = OnnxModelBuilder.DefaultOpset;

    /// <summary>
    /// When the weights hold more bytes than this, <see cref="DaClipOnnxExporter.Export(Network.DaClipNetwork, string, DaClipExportOptions?)"/> writes them to
    /// <c>&lt;model&gt;.data</c> beside the model (ONNX external data). Default 1.9 GiB, under protobuf's 2 GiB limit.
    /// </summary>
    public long ExternalDataThresholdBytes { get; init; } = new OnnxSaveOptions().ExternalDataThresholdBytes;

    /// <summary>Score threshold baked into <c>predicted_label</c>; null takes <see cref="DaClipModelOptions.Threshold"/>.</summary>
    public double? Threshold { get; init; }

    /// <summary>How the DAR's selective scan is evaluated (default <see cref="DarScanForm.Parallel"/>).</summary>
    public DarScanForm ScanForm { get; init; } = DarScanForm.Parallel;

    /// <summary>
    /// Attention as ONNX Runtime's fused <c>com.microsoft.MultiHeadAttention</c> (default: faster, and no [T, T] score
    /// tensor in memory), or, when false, as standard ONNX operators only, for runtimes other than ONNX Runtime.
    /// </summary>
    public bool FusedAttention { get; init; } = true;

    /// <summary>
    /// Under <see cref="OnnxPrecision.Int8"/>: the operators of each quantised matrix product (default
    /// <see cref="Int8MatMulForm.DynamicQuantizeMatMul"/>, the fastest measured on CPU; <see cref="Int8MatMulForm.MatMulInteger"/>
    /// for standard ONNX only). Ignored at other precisions.
    /// </summary>
    public Int8MatMulForm Int8Form { get; init; } = Int8MatMulForm.DynamicQuantizeMatMul;

    /// <summary>How images were fitted to S×S in training, recorded for the scorer (default Stretch, as METHOD §1).</summary>
    public ImageFit Fit { get; init; } = ImageFit.Stretch;

    /// <summary>Checks value ranges; throws a <see cref="DaClipOptionException"/> naming the option and the fix.</summary>
    public void Validate()
    {
        if (Opset < OnnxModelBuilder.MinOpset || Opset > OnnxModelBuilder.MaxOpset)
            throw new DaClipOptionException(nameof(Opset), $"DaClipExportOptions.Opset = {Opset}: the exporter writes opsets {OnnxModelBuilder.MinOpset} to {OnnxModelBuilder.MaxOpset}.");
        if (ExternalDataThresholdBytes <= 0)
            throw new DaClipOptionException(nameof(ExternalDataThresholdBytes), $"DaClipExportOptions.ExternalDataThresholdBytes = {ExternalDataThresholdBytes}: must be positive (default 1.9 GiB).");
        if (Threshold is double t && !double.IsFinite(t))
            throw new DaClipOptionException(nameof(Threshold), $"DaClipExportOptions.Threshold = {t}: must be a finite number, or null for the network's own threshold.");
        if (!Enum.IsDefined(Precision)) throw new DaClipOptionException(nameof(Precision), $"DaClipExportOptions.Precision = {(int)Precision} is not an OnnxPrecision value.");
        if (!Enum.IsDefined(Int8Form)) throw new DaClipOptionException(nameof(Int8Form), $"DaClipExportOptions.Int8Form = {(int)Int8Form} is not an Int8MatMulForm value.");
        if (!Enum.IsDefined(ScanForm)) throw new DaClipOptionException(nameof(ScanForm), $"DaClipExportOptions.ScanForm = {(int)ScanForm} is not a DarScanForm value.");
        if (!Enum.IsDefined(Fit)) throw new DaClipOptionException(nameof(Fit), $"DaClipExportOptions.Fit = {(int)Fit} is not an ImageFit value.");
    }
}
