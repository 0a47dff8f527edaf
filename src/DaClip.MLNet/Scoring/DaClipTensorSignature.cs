namespace DaClip.MLNet.Scoring;

/// <summary>One input or output of a model: ONNX element type (TensorProto data type) and dimensions (-1 unknown), or no shape.</summary>
internal sealed record DaClipTensorSignature(string Name, int ElementType, long[]? Dimensions);
