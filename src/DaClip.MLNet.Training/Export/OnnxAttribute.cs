using Google.Protobuf;
using Onnx;
using AttributeType = Onnx.AttributeProto.Types.AttributeType;

namespace DaClip.MLNet.Training.Export;

/// <summary>A named node attribute (int, ints, float, floats, string, strings, tensor or graph), created by the static factories.</summary>
internal sealed class OnnxAttribute
{
    private OnnxAttribute(AttributeProto proto) => Proto = proto;

    /// <summary>The attribute's name.</summary>
    public string Name => Proto.Name;

    internal AttributeProto Proto { get; }

    /// <summary>An integer attribute (also used for booleans as 0 / 1).</summary>
    public static OnnxAttribute Int(string name, long value) => New(name, AttributeType.Int, a => a.I = value);

    /// <summary>An integer list attribute.</summary>
    public static OnnxAttribute Ints(string name, params long[] values) => New(name, AttributeType.Ints, a => a.Ints.AddRange(values));

    /// <summary>A float attribute.</summary>
    public static OnnxAttribute Float(string name, float value) => New(name, AttributeType.Float, a => a.F = value);

    /// <summary>A float list attribute.</summary>
    public static OnnxAttribute Floats(string name, params float[] values) => New(name, AttributeType.Floats, a => a.Floats.AddRange(values));

    /// <summary>A string attribute (UTF-8).</summary>
    public static OnnxAttribute String(string name, string value) => New(name, AttributeType.String, a => a.S = ByteString.CopyFromUtf8(value));

    /// <summary>A string list attribute (UTF-8).</summary>
    public static OnnxAttribute Strings(string name, params string[] values) =>
        New(name, AttributeType.Strings, a => a.Strings.AddRange(values.Select(ByteString.CopyFromUtf8)));

    /// <summary>A tensor attribute (e.g. <c>Constant</c>'s <c>value</c>, <c>ConstantOfShape</c>'s <c>value</c>); see <see cref="OnnxTensors"/>.</summary>
    public static OnnxAttribute Tensor(string name, TensorProto value) => New(name, AttributeType.Tensor, a => a.T = value.Clone());

    /// <summary>
    /// A graph attribute (the <c>body</c> of <c>Loop</c> / <c>Scan</c>, the branches of <c>If</c>). The subgraph's
    /// current content is taken; build it completely (<see cref="OnnxGraphBuilder.CreateSubgraph"/>) before calling this.
    /// </summary>
    public static OnnxAttribute Graph(string name, OnnxGraphBuilder body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return New(name, AttributeType.Graph, a => a.G = body.ToGraphProto());
    }

    private static OnnxAttribute New(string name, AttributeType type, Action<AttributeProto> set)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("An ONNX attribute needs a non-empty name.", nameof(name));
        var proto = new AttributeProto { Name = name, Type = type };
        set(proto);
        return new OnnxAttribute(proto);
    }
}
