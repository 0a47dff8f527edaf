using DaClip.MLNet;
using Microsoft.ML;

namespace DaClip.Cli.Common;

/// <summary>A data view of image files in the form a <see cref="DaClipTransformer"/> reads: its image column as paths, encoded bytes or images.</summary>
internal static class ImageColumnView
{
    private const string SourceColumn = "SourcePath";

    /// <summary>One row per path, with the model's image column.</summary>
    public static IDataView Create(MLContext ml, DaClipTransformer model, IEnumerable<string> paths)
    {
        IDataView view = ml.Data.LoadFromEnumerable(paths.Select(p => new SourceRow { SourcePath = p }));
        IEstimator<ITransformer> loader = model.ImageKind switch
        {
            DaClipImageKind.Path => ml.Transforms.CopyColumns(model.ImageColumnName, SourceColumn),
            DaClipImageKind.EncodedBytes => ml.Transforms.LoadRawImageBytes(model.ImageColumnName, null, SourceColumn),
            _ => ml.Transforms.LoadImages(model.ImageColumnName, null, SourceColumn),
        };
        return loader.Fit(view).Transform(view);
    }

    private sealed class SourceRow
    {
        public string SourcePath { get; set; } = "";
    }
}
