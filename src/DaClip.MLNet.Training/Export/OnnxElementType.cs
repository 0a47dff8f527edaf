namespace DaClip.MLNet.Training.Export;

/// <summary>Element types of ONNX tensors the graph builder writes; the values are the ONNX <c>TensorProto.DataType</c> codes.</summary>
internal enum OnnxElementType
{
    /// <summary>IEEE 754 single precision (<c>FLOAT</c>).</summary>
    Float = 1,
    /// <summary>Unsigned 8-bit integer (<c>UINT8</c>).</summary>
    UInt8 = 2,
    /// <summary>Signed 8-bit integer (<c>INT8</c>).</summary>
    Int8 = 3,
    /// <summary>Signed 32-bit integer (<c>INT32</c>).</summary>
    Int32 = 6,
    /// <summary>Signed 64-bit integer (<c>INT64</c>): shapes, indices, axes.</summary>
    Int64 = 7,
    /// <summary>Boolean, one byte per element (<c>BOOL</c>).</summary>
    Bool = 9,
    /// <summary>IEEE 754 half precision (<c>FLOAT16</c>).</summary>
    Float16 = 10,
    /// <summary>IEEE 754 double precision (<c>DOUBLE</c>).</summary>
    Double = 11,
}
