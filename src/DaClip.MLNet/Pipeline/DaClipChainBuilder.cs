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
    /// <summary>The chain for <paramref name="spec"/> around the ONNX file at <paramref name="modelPath"/>, whose contract is <paramref name="contract"/>.</summary>
    public static TransformerChain<ITransformer> Build(MLContext ml, DaClipChainSpec spec, DaClipModelContract contract, string modelPath, int? gpuDeviceId, bool fallbackToCpu)
    {
        OnnxRuntimeNative.EnsureLoaded();
        int s = contract.ImageSize;
        var config = DaClipChainLayout.Config(contract);
        var shapes = new Dictionary<string, int[]>
        {
            // One unknown dimension lets ML.NET feed the variable-length pixel vector of the custom mapping.
            [DaClipModelTensors.Pixels] = [1, 3, s, -1],
            [DaClipModelTensors.AnomalyMap] = [1, 1, s, s],
        };
        bool sourceMaps = spec.MapSize == AnomalyMapSize.Source;
        var stages = new IEstimator<ITransformer>?[]
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
            ApplyOnnxModel(ml, modelPath, shapes, gpuDeviceId, fallbackToCpu),
            !sourceMaps ? null : spec.ImageKind switch
            {
                DaClipImageKind.Path => ml.Transforms.CustomMapping(new PathSourceMapMapping().GetMapping(), DaClipChainLayout.PathSourceMapContract),
                DaClipImageKind.EncodedBytes => ml.Transforms.CustomMapping(new EncodedBytesSourceMapMapping().GetMapping(), DaClipChainLayout.EncodedBytesSourceMapContract),
                _ => ml.Transforms.CustomMapping(new ImageSourceMapMapping().GetMapping(), DaClipChainLayout.ImageSourceMapContract),
            },
            ml.Transforms.CustomMapping(new OutputsMapping().GetMapping(), DaClipChainLayout.OutputsContract),
            ml.Transforms.CopyColumns(spec.ScoreColumnName, DaClipChainLayout.ScoreColumn),
            ml.Transforms.CopyColumns(spec.PredictedLabelColumnName, DaClipChainLayout.PredictedLabelColumn),
            ml.Transforms.CopyColumns(spec.ScoreCenteredColumnName, DaClipChainLayout.ScoreCenteredColumn),
            ml.Transforms.CopyColumns(spec.AnomalyMapColumnName, sourceMaps ? DaClipChainLayout.SourceMapColumn : DaClipModelTensors.AnomalyMap),
            ml.Transforms.DropColumns([.. DaClipChainLayout.InternalColumns.Where(c => sourceMaps || c != DaClipChainLayout.SourceMapColumn)]),
        };
        var fitted = new List<ITransformer>(stages.Length);
        try
        {
            var schema = InputSchema(spec);
            foreach (var stage in stages.OfType<IEstimator<ITransformer>>())
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

    /// <summary>
    /// ML.NET's ONNX stage (it opens its session at once); a session that cannot start on the requested GPU (no
    /// fallback) becomes an <see cref="ExecutionProviderUnavailableException"/> naming the fix, as
    /// <see cref="DaClipOnnxScorer"/> reports it.
    /// </summary>
    private static OnnxScoringEstimator ApplyOnnxModel(MLContext ml, string modelPath, Dictionary<string, int[]> shapes, int? gpuDeviceId, bool fallbackToCpu)
    {
        try
        {
            return ml.Transforms.ApplyOnnxModel([DaClipModelTensors.Score, DaClipModelTensors.PredictedLabel, DaClipModelTensors.AnomalyMap],
                [DaClipModelTensors.Pixels], modelPath, shapes, gpuDeviceId, fallbackToCpu, recursionLimit: 100);
        }
        catch (Exception e) when (gpuDeviceId is int gpu && !fallbackToCpu && e is not (DaClipException or OperationCanceledException or OutOfMemoryException))
        {
            var cause = e;
            while (cause.InnerException is not null) cause = cause.InnerException;
            throw new ExecutionProviderUnavailableException(ExecutionProvider.Cuda,
                $"ONNX Runtime could not start the DA-CLIP model on CUDA device {gpu} ({cause.Message.Split('\n')[0].Trim()}). " +
                "Install CUDA 13.x and cuDNN 9 with Microsoft.ML.OnnxRuntime.Gpu (see docs/gpu.md), check the device id (nvidia-smi), " +
                "or allow the CPU: FallbackToCpu = true (in the options, or on the MLContext when the options give no GpuDeviceId), or leave GpuDeviceId null.", e);
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
    /// The DA-CLIP chains inside <paramref name="model"/> (itself, or a stage of a pipeline, at any depth), recognised by
    /// their marker stage (<see cref="DaClipChainLayout.IsMarker"/>).
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

    /// <summary>A chain whose second stage is the DA-CLIP marker and that runs exactly one ONNX model.</summary>
    private static bool IsDaClipChain(TransformerChain<ITransformer> chain)
    {
        var stages = chain.ToList();
        return stages.Count > 1 && DaClipChainLayout.IsMarker(stages[1]) && stages.OfType<OnnxTransformer>().Count() == 1;
    }
}
