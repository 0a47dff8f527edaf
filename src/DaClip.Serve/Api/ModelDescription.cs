namespace DaClip.Serve.Api;

/// <summary>The model contract, answered by <c>GET /v1/model</c>.</summary>
/// <param name="Id">File name and the first 12 hex digits of the ONNX model's SHA-256 (<c>model.zip@sha256:0123456789ab</c>).</param>
/// <param name="Source">The model file's full path.</param>
/// <param name="ImageSize">Side S of the model input and of the anomaly map.</param>
/// <param name="Fit">How images are brought to S x S (Stretch, Pad, Crop).</param>
/// <param name="Threshold">The model's threshold of the verdict.</param>
/// <param name="ExecutionProvider">Where ONNX Runtime runs the model (Cpu, Cuda, ...).</param>
/// <param name="Input">The ONNX input tensor.</param>
/// <param name="Outputs">The ONNX output tensors.</param>
/// <param name="Metadata">The ONNX model's metadata (daclip.* keys: backbone, options, format version, ...).</param>
/// <param name="MaxBatchSize">Most images per model run.</param>
/// <param name="QueueCapacity">Most images that may wait.</param>
/// <param name="MaxRequestBodyBytes">Largest accepted request body.</param>
public sealed record ModelDescription(string Id, string Source, int ImageSize, string Fit, float Threshold, string ExecutionProvider, string Input,
    IReadOnlyList<string> Outputs, IReadOnlyDictionary<string, string> Metadata, int MaxBatchSize, int QueueCapacity, long MaxRequestBodyBytes);
