using Google.Protobuf.Collections;
using Microsoft.ML.OnnxRuntime;
using Onnx;

namespace DaClip.MLNet.Scoring;

/// <summary>
/// What <see cref="DaClipModelContract"/> validates, read either from the ONNX protobuf or from an ONNX Runtime
/// session: the inputs (initializers excluded), the outputs and the metadata entries. Both sources give the same
/// signature, so a model is checked by one validation whatever loads it.
/// </summary>
internal sealed record DaClipModelSignature(
    IReadOnlyList<DaClipTensorSignature> Inputs, IReadOnlyList<DaClipTensorSignature> Outputs, IReadOnlyDictionary<string, string> Metadata)
{
    /// <summary>The signature of a parsed model.</summary>
    public static DaClipModelSignature FromProto(ModelProto model)
    {
        var initializers = model.Graph.Initializer.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var metadata = model.MetadataProps.GroupBy(p => p.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last().Value, StringComparer.Ordinal);
        return new(Tensors(model.Graph.Input.Where(i => !initializers.Contains(i.Name))), Tensors(model.Graph.Output), metadata);

        static List<DaClipTensorSignature> Tensors(IEnumerable<ValueInfoProto> values) =>
            values.Select(v => new DaClipTensorSignature(v.Name, v.Type?.TensorType?.ElemType ?? 0, Dims(v.Type?.TensorType?.Shape?.Dim))).ToList();

        static long[]? Dims(RepeatedField<TensorShapeProto.Types.Dimension>? dims) => dims?.Select(d =>
            d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue && d.DimValue > 0 ? d.DimValue : -1L).ToArray();
    }

    /// <summary>The signature of a model loaded into ONNX Runtime.</summary>
    public static DaClipModelSignature FromSession(InferenceSession session)
    {
        // ONNX Runtime's TensorElementType values are ONNX's TensorProto data types.
        static List<DaClipTensorSignature> Tensors(IReadOnlyDictionary<string, NodeMetadata> values) =>
            values.Select(v => new DaClipTensorSignature(v.Key, v.Value.IsTensor ? (int)v.Value.ElementDataType : 0,
                v.Value.IsTensor ? v.Value.Dimensions.Select(d => d > 0 ? (long)d : -1L).ToArray() : null)).ToList();
        return new(Tensors(session.InputMetadata), Tensors(session.OutputMetadata),
            new Dictionary<string, string>(session.ModelMetadata.CustomMetadataMap, StringComparer.Ordinal));
    }
}
