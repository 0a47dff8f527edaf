using System.Security.Cryptography;
using DaClip.MLNet;
using DaClip.MLNet.Imaging;
using DaClip.MLNet.Scoring;
using DaClip.Serve.Api;
using Microsoft.ML;

namespace DaClip.Serve;

/// <summary>
/// The model a server scores with: a zip written by <c>daclip train</c> / <see cref="DaClipTransformer.Save"/> (its
/// embedded ONNX model) or an exported ONNX file, on one <see cref="DaClipOnnxScorer"/>. Image size, fit and threshold
/// come from the model's <see cref="DaClipModelContract"/>, checked by the scorer as everywhere else.
/// </summary>
internal sealed class ServedModel : IDisposable
{
    private ServedModel(DaClipOnnxScorer scorer, string id, string source)
    {
        Scorer = scorer;
        Id = id;
        Source = source;
    }

    /// <summary>The scorer; its <see cref="DaClipOnnxScorer.Preprocessor"/> prepares the images.</summary>
    public DaClipOnnxScorer Scorer { get; }

    /// <summary>File name and the first 12 hex digits of the ONNX model's SHA-256.</summary>
    public string Id { get; }

    /// <summary>The model file's full path.</summary>
    public string Source { get; }

    /// <summary>The model's threshold of the verdict (<see cref="DaClipModelContract.Threshold"/>).</summary>
    public float Threshold => Scorer.Contract.Threshold;

    /// <summary>How images are brought to S x S.</summary>
    public ImageFit Fit => Scorer.Preprocessor.Fit;

    /// <summary>Loads <see cref="DaClipServerOptions.ModelPath"/> (a <c>.onnx</c> file, else a model zip).</summary>
    /// <exception cref="DaClipFileFormatException">Missing file, or not a DA-CLIP model (the contract's message names the fix).</exception>
    /// <exception cref="ExecutionProviderUnavailableException">CUDA was requested and cannot start.</exception>
    public static ServedModel Load(DaClipServerOptions options)
    {
        var path = Path.GetFullPath(options.ModelPath);
        if (!File.Exists(path))
            throw new DaClipFileFormatException(path, "model file not found. Give a model zip written by `daclip train` or an ONNX file written by `daclip export`.");
        var scorerOptions = new DaClipScorerOptions
        {
            Provider = options.Provider,
            GpuDeviceId = options.GpuDeviceId,
            IntraOpThreads = options.IntraOpThreads,
            Log = options.Log ?? (_ => { }),
        };
        if (Path.GetExtension(path).Equals(".onnx", StringComparison.OrdinalIgnoreCase))
            return Create(new DaClipOnnxScorer(path, scorerOptions), File.ReadAllBytes(path), path);
        byte[] onnx;
        using (var transformer = DaClipTransformer.Load(new MLContext(seed: 0), path))
            onnx = transformer.GetOnnxModel();
        // The embedded model's contract carries the zip's fit and threshold.
        return Create(new DaClipOnnxScorer(onnx, scorerOptions, path), onnx, path);
    }

    /// <summary>The contract <c>GET /v1/model</c> answers.</summary>
    public ModelDescription Describe(DaClipServerOptions options) => new(Id, Source, Scorer.ImageSize, Fit.ToString(), Threshold, Scorer.ExecutionProvider.ToString(),
        Scorer.Contract.DescribeInput(), DaClipModelTensors.Outputs,
        new SortedDictionary<string, string>(Scorer.Metadata.ToDictionary(), StringComparer.Ordinal), options.MaxBatchSize, options.QueueCapacity, options.MaxRequestBodyBytes);

    public void Dispose() => Scorer.Dispose();

    private static ServedModel Create(DaClipOnnxScorer scorer, byte[] onnx, string path)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(onnx))[..12];
        return new ServedModel(scorer, $"{Path.GetFileName(path)}@sha256:{hash}", path);
    }
}
