using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace DaClip.MLNet.Training.Export;

/// <summary>
/// Creates ONNX <see cref="TensorProto"/> values (initializers, <c>Constant</c> values, tensor attributes) from .NET
/// arrays. Data is stored as little-endian <c>raw_data</c> in C (row-major) order; the element count must match the shape.
/// </summary>
internal static class OnnxTensors
{
    /// <summary>A float32 tensor.</summary>
    public static TensorProto Float(string name, ReadOnlySpan<float> data, params long[] shape) =>
        Create(name, OnnxElementType.Float, MemoryMarshal.AsBytes(data), data.Length, shape);

    /// <summary>A float16 tensor.</summary>
    public static TensorProto Float16(string name, ReadOnlySpan<Half> data, params long[] shape) =>
        Create(name, OnnxElementType.Float16, MemoryMarshal.AsBytes(data), data.Length, shape);

    /// <summary>A signed 8-bit integer tensor (quantised weights).</summary>
    public static TensorProto Int8(string name, ReadOnlySpan<sbyte> data, params long[] shape) =>
        Create(name, OnnxElementType.Int8, MemoryMarshal.AsBytes(data), data.Length, shape);

    /// <summary>An unsigned 8-bit integer tensor (quantisation zero points).</summary>
    public static TensorProto UInt8(string name, ReadOnlySpan<byte> data, params long[] shape) =>
        Create(name, OnnxElementType.UInt8, data, data.Length, shape);

    /// <summary>An int64 tensor.</summary>
    public static TensorProto Int64(string name, ReadOnlySpan<long> data, params long[] shape) =>
        Create(name, OnnxElementType.Int64, MemoryMarshal.AsBytes(data), data.Length, shape);

    /// <summary>An int32 tensor.</summary>
    public static TensorProto Int32(string name, ReadOnlySpan<int> data, params long[] shape) =>
        Create(name, OnnxElementType.Int32, MemoryMarshal.AsBytes(data), data.Length, shape);

    /// <summary>A bool tensor (one byte per element, 0 or 1).</summary>
    public static TensorProto Bool(string name, ReadOnlySpan<bool> data, params long[] shape) =>
        Create(name, OnnxElementType.Bool, MemoryMarshal.AsBytes(data), data.Length, shape);

    /// <summary>Number of bytes of the tensor's data, wherever it is stored (<c>raw_data</c> or typed fields).</summary>
    internal static long DataBytes(TensorProto tensor) =>
        tensor.RawData.Length + 4L * tensor.FloatData.Count + 4L * tensor.Int32Data.Count + 8L * tensor.Int64Data.Count
        + 8L * tensor.DoubleData.Count + 8L * tensor.Uint64Data.Count;

    private static TensorProto Create(string name, OnnxElementType type, ReadOnlySpan<byte> bytes, int count, long[] shape)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(shape);
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("ONNX raw tensor data is little-endian; this writer runs on little-endian machines only.");
        long expected = 1;
        foreach (var d in shape)
        {
            if (d < 0) throw new ArgumentException($"Tensor '{name}': dimension {d} in shape [{string.Join(", ", shape)}] is negative.", nameof(shape));
            expected *= d;
        }
        if (expected != count)
            throw new ArgumentException($"Tensor '{name}': shape [{string.Join(", ", shape)}] holds {expected} elements but {count} values were given.", nameof(shape));
        var tensor = new TensorProto { Name = name, DataType = (int)type, RawData = ByteString.CopyFrom(bytes) };
        tensor.Dims.AddRange(shape);
        return tensor;
    }
}
