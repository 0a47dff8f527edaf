using DaClip.MLNet.Imaging;
using DaClip.MLNet.Scoring;
using Microsoft.ML;
using Microsoft.ML.Transforms;

namespace DaClip.MLNet.Pipeline;

/// <summary>
/// The fixed parts of the ML.NET transformer chain a <see cref="DaClipTransformer"/> wraps: internal column names,
/// custom-mapping contract names, and the layout of the configuration vector. These strings are stored in saved
/// models; changing one breaks loading of models saved before.
/// </summary>
/// <remarks>
/// <para>The chain, in order: copy the image column to <see cref="ImageColumn"/>; the marker stage, which adds a
/// constant <see cref="KeyColumn"/> (its custom-mapping contract <see cref="ConfigKeyContract"/> marks the chain as
/// DA-CLIP's, <see cref="IsMarker"/>); <c>MapValue</c> of that key to the configuration vector <see cref="ConfigColumn"/>;
/// the pixel mapping (shared <see cref="ImagePreprocessor"/>) to the ONNX input <see cref="DaClipModelTensors.Pixels"/>;
/// <c>ApplyOnnxModel</c>; with <see cref="Scoring.AnomalyMapSize.Source"/> only, the source-map mapping that resizes the
/// S x S map to each image's size (<see cref="SourceMapColumn"/>); the output mapping to scalar columns; copies to the user's output names; drop of every
/// internal column.</para>
/// <para>The configuration vector is a projection of the embedded model's <see cref="DaClipModelContract"/> (image
/// size, fit, threshold), written by <see cref="DaClipChainBuilder"/> from the contract and never read back as a
/// source of truth: ML.NET creates custom mappings by contract name without parameters, so a saved chain that scores
/// in a fresh process needs these three numbers as data, and <c>MapValue</c> is the built-in savable stage that carries them.</para>
/// </remarks>
internal static class DaClipChainLayout
{
    public const string ImageColumn = "daclip.image";
    public const string KeyColumn = "daclip.key";
    public const string ConfigColumn = "daclip.config";
    public const string ScoreColumn = "daclip.score";
    public const string PredictedLabelColumn = "daclip.predicted_label";
    public const string ScoreCenteredColumn = "daclip.score_centered";
    public const string SourceMapColumn = "daclip.source_map";

    public const string ConfigKeyContract = "DaClip.MLNet.ConfigKey.v1";
    public const string PathPixelsContract = "DaClip.MLNet.PathPixels.v1";
    public const string EncodedBytesPixelsContract = "DaClip.MLNet.EncodedBytesPixels.v1";
    public const string ImagePixelsContract = "DaClip.MLNet.ImagePixels.v1";
    public const string OutputsContract = "DaClip.MLNet.Outputs.v1";
    public const string PathSourceMapContract = "DaClip.MLNet.PathSourceMap.v1";
    public const string EncodedBytesSourceMapContract = "DaClip.MLNet.EncodedBytesSourceMap.v1";
    public const string ImageSourceMapContract = "DaClip.MLNet.ImageSourceMap.v1";

    /// <summary>ONNX metadata key of the chain description (<see cref="DaClipChainSpec"/> as JSON).</summary>
    public const string SpecMetadataKey = "daclip.mlnet.chain";

    /// <summary>Version of the configuration vector layout (element 0).</summary>
    public const int ConfigVersion = 1;

    /// <summary>Every column the chain adds and drops again; an input column with one of these names would be lost.</summary>
    public static IReadOnlyList<string> InternalColumns { get; } =
    [
        ImageColumn, KeyColumn, ConfigColumn, DaClipModelTensors.Pixels, DaClipModelTensors.Score, DaClipModelTensors.PredictedLabel,
        DaClipModelTensors.AnomalyMap, ScoreColumn, PredictedLabelColumn, ScoreCenteredColumn, SourceMapColumn,
    ];

    /// <summary>The configuration vector of <paramref name="contract"/>: [layout version, S, fit, threshold].</summary>
    public static float[] Config(DaClipModelContract contract) => [ConfigVersion, contract.ImageSize, (int)contract.Fit, contract.Threshold];

    /// <summary>
    /// Whether <paramref name="stage"/> is the marker stage of a DA-CLIP chain (the custom mapping registered as
    /// <see cref="ConfigKeyContract"/>; chains saved by every version carry it): a type test, no reflection.
    /// </summary>
    public static bool IsMarker(ITransformer stage) => stage is CustomMappingTransformer<ConfigKeyInput, ConfigKeyOutput>;

    /// <summary>The preprocessing a configuration vector describes.</summary>
    public static ImagePreprocessor Preprocessor(float[] config)
    {
        CheckConfig(config);
        return new ImagePreprocessor((int)config[1], (ImageFit)(int)config[2]);
    }

    /// <summary>The threshold a configuration vector holds.</summary>
    public static float Threshold(float[] config)
    {
        CheckConfig(config);
        return config[3];
    }

    private static void CheckConfig(float[] config)
    {
        if (config is not { Length: 4 } || config[0] != ConfigVersion)
            throw new DaClipException($"The DA-CLIP configuration column '{ConfigColumn}' is malformed (layout version {(config is { Length: > 0 } ? config[0] : float.NaN)}, {config?.Length ?? 0} values). The model was saved by a newer DaClip.MLNet: update the package.");
    }
}
