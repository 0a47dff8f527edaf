using DaClip.MLNet.Scoring;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;
using Microsoft.ML.Transforms.Onnx;

namespace DaClip.MLNet.Pipeline;

/// <summary>
/// Builds the chain of built-in, savable ML.NET transformers that a <see cref="DaClipTransformer"/> wraps (layout in
/// <see cref="DaClipChainLayout"/>). Each stage is fitted on its own to an empty view of the running schema: the stages
/// read no data, and ML.NET's estimator-chain check compares image types by reference, which would reject images.
/// </summary>
internal static class DaClipChainBuilder
{
    /// <summary>Number of stages of a DA-CLIP chain.</summary>
    public const int StageCount = 11;

    /// <summary>The chain for <paramref name="spec"/> around the ONNX file at <paramref name="modelPath"/>.</summary>
    public static TransformerChain<ITransformer> Build(MLContext ml, DaClipChainSpec spec, string modelPath, int? gpuDeviceId, bool fallbackToCpu)
    {
        OnnxRuntimeNative.EnsureLoaded();
        int s = spec.ImageSize;
        var config = DaClipChainLayout.Config(s, spec.Fit, spec.Threshold);
        var shapes = new Dictionary<string, int[]>
        {
            // One unknown dimension lets ML.NET feed the variable-length pixel vector of the custom mapping.
            [DaClipModelTensors.Pixels] = [1, 3, s, -1],
            [DaClipModelTensors.AnomalyMap] = [1, 1, s, s],
        };
        var stages = new IEstimator<ITransformer>[]
        {
            ml.Transforms.CopyColumns(DaClipChainLayout.ImageColumn, spec.ImageColumnName),
            ml.Transforms.CustomMapping(new ConfigKeyMapping().GetMapping(), DaClipChainLayout.ConfigKeyContract),
            ml.Transforms.Conversion.MapValue(DaClipChainLayout.ConfigColumn, [new KeyValuePair<float, float[]>(0f, config)], DaClipChainLayout.KeyColumn),
            spec.ImageKind switch
            {
                DaClipImageKind.Path => ml.Transforms.CustomMapping(new PathPixelsMapping().GetMapping(), DaClipChainLayout.PathPixelsContract),
                DaClipImageKind.EncodedBytes => ml.Transforms.CustomMapping(new EncodedBytesPixelsMapping().GetMapping(), DaClipChainLayout.EncodedBytesPixelsContract),
                _ => ml.Transforms.CustomMapping(new ImagePixelsMapping().GetMapping(), DaClipChainLayout.ImagePixelsContract),
            },
            ml.Transforms.ApplyOnnxModel([DaClipModelTensors.Score, DaClipModelTensors.PredictedLabel, DaClipModelTensors.AnomalyMap],
                [DaClipModelTensors.Pixels], modelPath, shapes, gpuDeviceId, fallbackToCpu, recursionLimit: 100),
            ml.Transforms.CustomMapping(new OutputsMapping().GetMapping(), DaClipChainLayout.OutputsContract),
            ml.Transforms.CopyColumns(spec.ScoreColumnName, DaClipChainLayout.ScoreColumn),
            ml.Transforms.CopyColumns(spec.PredictedLabelColumnName, DaClipChainLayout.PredictedLabelColumn),
            ml.Transforms.CopyColumns(spec.ScoreCenteredColumnName, DaClipChainLayout.ScoreCenteredColumn),
            ml.Transforms.CopyColumns(spec.AnomalyMapColumnName, DaClipModelTensors.AnomalyMap),
            ml.Transforms.DropColumns([.. DaClipChainLayout.InternalColumns]),
        };
        var fitted = new List<ITransformer>(stages.Length);
        try
        {
            var schema = InputSchema(spec);
            foreach (var stage in stages)
            {
                var transformer = stage.Fit(new EmptyDataView(schema));
                fitted.Add(transformer);
                schema = transformer.GetOutputSchema(schema);
            }
            return new TransformerChain<ITransformer>([.. fitted]);
        }
        catch
        {
            foreach (var t in fitted) (t as IDisposable)?.Dispose();
            throw;
        }
    }

    /// <summary>The smallest input schema the chain accepts: the image column alone.</summary>
    public static DataViewSchema InputSchema(DaClipChainSpec spec)
    {
        var builder = new DataViewSchema.Builder();
        builder.AddColumn(spec.ImageColumnName, spec.ImageKind switch
        {
            DaClipImageKind.Path => TextDataViewType.Instance,
            DaClipImageKind.EncodedBytes => new VectorDataViewType(NumberDataViewType.Byte),
            _ => new ImageDataViewType(),
        });
        return builder.ToSchema();
    }

    /// <summary>
    /// The DA-CLIP chain inside <paramref name="model"/> (itself, or a stage of a pipeline, at any depth), recognised by
    /// its pixel mapping; null when there is none.
    /// </summary>
    public static IEnumerable<TransformerChain<ITransformer>> FindChains(ITransformer model)
    {
        if (model is DaClipTransformer wrapper)
        {
            yield return wrapper.Chain;
            yield break;
        }
        if (model is not IEnumerable<ITransformer> stages) yield break;
        if (model is TransformerChain<ITransformer> chain && IsDaClipChain(chain))
        {
            yield return chain;
            yield break;
        }
        foreach (var stage in stages)
            foreach (var found in FindChains(stage))
                yield return found;
    }

    /// <summary>The ONNX stage of a DA-CLIP chain.</summary>
    public static OnnxTransformer OnnxStage(TransformerChain<ITransformer> chain) => chain.OfType<OnnxTransformer>().Single();

    private static bool IsDaClipChain(TransformerChain<ITransformer> chain)
    {
        var stages = chain.ToList();
        return stages.Count == StageCount && stages.OfType<OnnxTransformer>().Count() == 1 && stages.Any(IsPixelMapping);
    }

    private static bool IsPixelMapping(ITransformer t)
    {
        var type = t.GetType();
        return type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Microsoft.ML.Transforms.CustomMappingTransformer<,>)
            && type.GetGenericArguments()[1] == typeof(PixelsOutput);
    }
}
