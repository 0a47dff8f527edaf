namespace DaClip.MLNet.Training.Export;

/// <summary>How <see cref="OnnxModelBuilder.Save(string, OnnxSaveOptions?)"/> stores tensor data.</summary>
internal sealed record OnnxSaveOptions
{
    /// <summary>
    /// Protobuf cannot hold a message of 2 GiB or more, so when the initializers of the main graph hold more than this
    /// many bytes in total, tensors of at least <see cref="ExternalTensorMinBytes"/> are moved to a side file (ONNX
    /// external data). Default 1.9 GiB, which leaves room for the graph itself; set it low to force external data.
    /// </summary>
    public long ExternalDataThresholdBytes { get; init; } = 1900L * 1024 * 1024;

    /// <summary>With external data, tensors smaller than this stay inline in the model file. Default 1 KiB.</summary>
    public long ExternalTensorMinBytes { get; init; } = 1024;

    /// <summary>Offset alignment of each tensor in the side file (lets ONNX Runtime map it from disk). Default 4096.</summary>
    public int ExternalDataAlignment { get; init; } = 4096;
}
