namespace DaClip.MLNet.Training.Export;

/// <summary>An ONNX graph under construction is inconsistent (undefined input, duplicate name, missing output, ...).</summary>
internal sealed class OnnxGraphException : DaClipException
{
    /// <summary>Creates the exception; <paramref name="message"/> names the graph, node and value at fault.</summary>
    public OnnxGraphException(string message, Exception? inner = null) : base(message, inner) { }
}
