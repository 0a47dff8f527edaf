using Onnx;

namespace DaClip.MLNet.Training.Export;

/// <summary>
/// Builds one ONNX graph: typed inputs and outputs, initializers, and nodes in execution order. Value names are
/// generated unless given; the helpers in the second part of this class (<c>MatMul</c>, <c>Softmax</c>, <c>Conv</c>,
/// ...) each add one node and return the name of its output. Obtain the main graph from
/// <see cref="OnnxModelBuilder.Graph"/> and loop / scan bodies from <see cref="CreateSubgraph"/>.
/// </summary>
internal sealed partial class OnnxGraphBuilder
{
    private readonly GraphProto _graph;
    private readonly OnnxNameScope _scope;

    internal OnnxGraphBuilder(string name, int opset, OnnxNameScope scope)
    {
        _graph = new GraphProto { Name = name };
        Opset = opset;
        _scope = scope;
    }

    /// <summary>The graph's name.</summary>
    public string Name => _graph.Name;

    /// <summary>The default-domain opset the model imports; the helpers emit the operator forms of this version.</summary>
    public int Opset { get; }

    /// <summary>
    /// Prepended to the names of nodes added from now on (e.g. <c>"vision/block3/"</c>), so that profiles and error
    /// messages show which part of the model a node belongs to. Empty by default.
    /// </summary>
    public string NodeNamePrefix { get; set; } = "";

    /// <summary>Number of nodes added so far.</summary>
    public int NodeCount => _graph.Node.Count;

    /// <summary>
    /// A new, empty graph for a <c>Loop</c>, <c>Scan</c> or <c>If</c> body. It shares this model's names, so its
    /// values never clash with outer ones, and it may read any value defined in this graph before the node that
    /// takes it as attribute (ONNX outer-scope reference).
    /// </summary>
    public OnnxGraphBuilder CreateSubgraph(string name) => new(name, Opset, _scope);

    /// <summary>Adds a graph input. <paramref name="shape"/>: dimensions (fixed or symbolic, empty for a scalar), or null for an unknown rank.</summary>
    /// <returns>The input's name, to pass to nodes.</returns>
    public string AddInput(string name, OnnxElementType type, IReadOnlyList<OnnxDim>? shape)
    {
        _scope.Claim(name, $"input of graph '{Name}'");
        _graph.Input.Add(ValueInfo(name, type, shape));
        return name;
    }

    /// <summary>
    /// Declares <paramref name="value"/> an output of the graph, under the name <paramref name="name"/>. When the names
    /// differ an <c>Identity</c> node is added (ONNX Runtime removes it when optimising).
    /// </summary>
    /// <param name="name">The output's name as callers see it.</param>
    /// <param name="type">Element type.</param>
    /// <param name="shape">Dimensions (fixed or symbolic, empty for a scalar), or null when unknown.</param>
    /// <param name="value">The value to expose; null or equal to <paramref name="name"/> when a node already writes <paramref name="name"/>.</param>
    public void AddOutput(string name, OnnxElementType type, IReadOnlyList<OnnxDim>? shape, string? value = null)
    {
        if (_graph.Output.Any(o => o.Name == name))
            throw new OnnxGraphException($"Graph '{Name}' already has an output named '{name}'.");
        if (value != null && value != name) NodeInto("Identity", [value], [name]);
        _graph.Output.Add(ValueInfo(name, type, shape));
    }

    /// <summary>Adds an initializer (a constant tensor, e.g. a weight) built with <see cref="OnnxTensors"/>; its name is the tensor's name, or a generated one when empty.</summary>
    /// <returns>The initializer's name.</returns>
    public string AddInitializer(TensorProto tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        tensor = tensor.Clone();
        if (string.IsNullOrEmpty(tensor.Name)) tensor.Name = _scope.Fresh("const");
        else _scope.Claim(tensor.Name, $"initializer of graph '{Name}'");
        _graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>Adds a float32 initializer of the given shape; <paramref name="name"/> null for a generated name.</summary>
    public string AddInitializer(string? name, ReadOnlySpan<float> data, params long[] shape) =>
        AddInitializer(OnnxTensors.Float(name ?? "", data, shape));

    /// <summary>Adds a float16 initializer of the given shape; <paramref name="name"/> null for a generated name.</summary>
    public string AddInitializer(string? name, ReadOnlySpan<Half> data, params long[] shape) =>
        AddInitializer(OnnxTensors.Float16(name ?? "", data, shape));

    /// <summary>Adds an int8 initializer of the given shape; <paramref name="name"/> null for a generated name.</summary>
    public string AddInitializer(string? name, ReadOnlySpan<sbyte> data, params long[] shape) =>
        AddInitializer(OnnxTensors.Int8(name ?? "", data, shape));

    /// <summary>Adds an int64 initializer of the given shape; <paramref name="name"/> null for a generated name.</summary>
    public string AddInitializer(string? name, ReadOnlySpan<long> data, params long[] shape) =>
        AddInitializer(OnnxTensors.Int64(name ?? "", data, shape));

    /// <summary>Adds a bool initializer of the given shape; <paramref name="name"/> null for a generated name.</summary>
    public string AddInitializer(string? name, ReadOnlySpan<bool> data, params long[] shape) =>
        AddInitializer(OnnxTensors.Bool(name ?? "", data, shape));

    /// <summary>A float32 scalar (0-d) initializer.</summary>
    public string Scalar(float value) => AddInitializer(null, [value]);

    /// <summary>An int64 scalar (0-d) initializer.</summary>
    public string ScalarInt64(long value) => AddInitializer(null, [value]);

    /// <summary>A bool scalar (0-d) initializer.</summary>
    public string ScalarBool(bool value) => AddInitializer(null, [value]);

    /// <summary>A 1-d int64 initializer (shapes, axes, pads, indices).</summary>
    public string Int64s(params long[] values) => AddInitializer(null, values.AsSpan(), values.Length);

    /// <summary>A 1-d float32 initializer.</summary>
    public string Floats(params float[] values) => AddInitializer(null, values.AsSpan(), values.Length);

    /// <summary>
    /// Adds a node with one output and returns the output's name (generated unless <paramref name="output"/> is given).
    /// Inputs are value names; <c>""</c> marks an omitted optional input.
    /// </summary>
    public string Node(string opType, IReadOnlyList<string> inputs, IReadOnlyList<OnnxAttribute>? attributes = null,
        string? output = null, string domain = "")
    {
        var name = output ?? _scope.Fresh(opType.ToLowerInvariant());
        if (output != null) _scope.Claim(output, $"output of the {opType} node");
        AddNodeProto(opType, inputs, [name], attributes, domain);
        return name;
    }

    /// <summary>Adds a node with <paramref name="outputCount"/> outputs and returns their generated names.</summary>
    public IReadOnlyList<string> NodeMulti(string opType, IReadOnlyList<string> inputs, int outputCount,
        IReadOnlyList<OnnxAttribute>? attributes = null, string domain = "")
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputCount);
        var names = new string[outputCount];
        for (int i = 0; i < outputCount; i++) names[i] = _scope.Fresh(opType.ToLowerInvariant());
        AddNodeProto(opType, inputs, names, attributes, domain);
        return names;
    }

    /// <summary>Adds a node whose outputs have the given names (e.g. graph outputs, loop-body results); <c>""</c> skips an optional output.</summary>
    public void NodeInto(string opType, IReadOnlyList<string> inputs, IReadOnlyList<string> outputs,
        IReadOnlyList<OnnxAttribute>? attributes = null, string domain = "")
    {
        foreach (var o in outputs)
            if (o.Length > 0) _scope.Claim(o, $"output of the {opType} node");
        AddNodeProto(opType, inputs, outputs, attributes, domain);
    }

    /// <summary>A deep copy of the graph as built so far.</summary>
    public GraphProto ToGraphProto() => _graph.Clone();

    internal GraphProto Proto => _graph;

    private void AddNodeProto(string opType, IReadOnlyList<string> inputs, IReadOnlyList<string> outputs,
        IReadOnlyList<OnnxAttribute>? attributes, string domain)
    {
        if (string.IsNullOrWhiteSpace(opType)) throw new OnnxGraphException($"A node of graph '{Name}' needs an operator type.");
        ArgumentNullException.ThrowIfNull(inputs);
        var node = new NodeProto { OpType = opType, Name = _scope.Fresh(NodeNamePrefix + opType), Domain = domain };
        foreach (var i in inputs)
            node.Input.Add(i ?? throw new OnnxGraphException($"Input of the {opType} node '{node.Name}' is null; use \"\" for an omitted optional input."));
        node.Output.AddRange(outputs);
        if (attributes != null)
        {
            foreach (var a in attributes)
            {
                if (node.Attribute.Any(x => x.Name == a.Name))
                    throw new OnnxGraphException($"The {opType} node '{node.Name}' has the attribute '{a.Name}' twice.");
                node.Attribute.Add(a.Proto.Clone());
            }
        }
        _graph.Node.Add(node);
    }

    private static ValueInfoProto ValueInfo(string name, OnnxElementType type, IReadOnlyList<OnnxDim>? shape)
    {
        var tensor = new TypeProto.Types.Tensor { ElemType = (int)type };
        if (shape != null)
        {
            tensor.Shape = new TensorShapeProto();
            foreach (var d in shape)
            {
                var dim = new TensorShapeProto.Types.Dimension();
                if (d.Symbol != null) dim.DimParam = d.Symbol;
                else if (d.Size is long size) dim.DimValue = size;
                tensor.Shape.Dim.Add(dim);
            }
        }
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensor } };
    }
}
