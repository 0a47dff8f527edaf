using Onnx;
using AttributeType = Onnx.AttributeProto.Types.AttributeType;

namespace DaClip.MLNet.Training.Export;

/// <summary>
/// Structural checks before a model is written: every node input is defined before use (a graph input, an
/// initializer, an earlier node's output, or an outer-scope value for a subgraph; <c>""</c> marks an omitted optional
/// input), every value is assigned once in the whole model, node names are unique, and every graph output is defined.
/// Operator semantics (types, shapes, attributes) are left to ONNX Runtime.
/// </summary>
internal static class OnnxGraphValidator
{
    /// <summary>Throws <see cref="OnnxGraphException"/> naming the first problem found.</summary>
    public static void Validate(ModelProto model)
    {
        if (model.Graph == null) throw new OnnxGraphException("The model has no graph.");
        var assigned = new HashSet<string>(StringComparer.Ordinal);
        var nodeNames = new HashSet<string>(StringComparer.Ordinal);
        ValidateGraph(model.Graph, new HashSet<string>(StringComparer.Ordinal), assigned, nodeNames, model.Graph.Name);
        if (model.Graph.Output.Count == 0) throw new OnnxGraphException($"Graph '{model.Graph.Name}' has no outputs: add at least one with AddOutput.");
    }

    private static void ValidateGraph(GraphProto graph, HashSet<string> outer, HashSet<string> assigned, HashSet<string> nodeNames, string path)
    {
        var visible = new HashSet<string>(outer, StringComparer.Ordinal);
        void Define(string name, string what)
        {
            if (string.IsNullOrEmpty(name)) throw new OnnxGraphException($"Graph '{path}': the {what} has an empty name.");
            if (!assigned.Add(name))
                throw new OnnxGraphException($"Graph '{path}': the {what} '{name}' reuses a name already defined in the model (ONNX values are assigned once; rename one of them).");
            visible.Add(name);
        }

        foreach (var input in graph.Input)
        {
            if (input.Type?.TensorType == null)
                throw new OnnxGraphException($"Graph '{path}': input '{input.Name}' has no tensor type; give its element type (and shape) when adding it.");
            Define(input.Name, "input");
        }
        foreach (var init in graph.Initializer) Define(init.Name, "initializer");

        foreach (var node in graph.Node)
        {
            var label = $"{node.OpType} node '{node.Name}'";
            if (string.IsNullOrWhiteSpace(node.OpType)) throw new OnnxGraphException($"Graph '{path}': node '{node.Name}' has no operator type.");
            if (!string.IsNullOrEmpty(node.Name) && !nodeNames.Add(node.Name))
                throw new OnnxGraphException($"Graph '{path}': two nodes are named '{node.Name}'; node names must be unique.");
            for (int i = 0; i < node.Input.Count; i++)
            {
                var input = node.Input[i];
                if (input.Length > 0 && !visible.Contains(input))
                    throw new OnnxGraphException(
                        $"Graph '{path}': input {i} '{input}' of the {label} is not defined before it (not a graph input, an initializer, an outer-scope value or the output of an earlier node). Add it, or reorder the nodes so that its producer comes first.");
            }
            foreach (var attribute in node.Attribute)
            {
                if (attribute.Type == AttributeType.Graph && attribute.G != null)
                    ValidateGraph(attribute.G, visible, assigned, nodeNames, $"{path}/{node.Name}.{attribute.Name}");
                foreach (var g in attribute.Graphs)
                    ValidateGraph(g, visible, assigned, nodeNames, $"{path}/{node.Name}.{attribute.Name}");
            }
            foreach (var output in node.Output)
                if (output.Length > 0) Define(output, $"output of the {label}");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var output in graph.Output)
        {
            if (!seen.Add(output.Name)) throw new OnnxGraphException($"Graph '{path}': output '{output.Name}' is listed twice.");
            if (!visible.Contains(output.Name))
                throw new OnnxGraphException($"Graph '{path}': output '{output.Name}' is never computed; write it with a node (NodeInto) or pass the value to AddOutput.");
        }
    }
}
