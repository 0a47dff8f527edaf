using DaClip.MLNet.IO;
using Microsoft.ML;

namespace DaClip.MLNet.Data;

/// <summary>The images of one split of a dataset, in a fixed order (class, then image path, ordinal).</summary>
public sealed class AnomalyDataset
{
    /// <summary>
    /// Creates the dataset from <paramref name="samples"/>, sorted by class and image path. An image file reached twice
    /// (the same real file after resolving symbolic links) is kept once, under the first of its paths in that order.
    /// </summary>
    public AnomalyDataset(DatasetKind kind, string root, DatasetSplit split, IEnumerable<AnomalySample> samples)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(samples);
        Kind = kind;
        Root = root;
        Split = split;
        Samples = samples
            .OrderBy(s => s.Class, StringComparer.Ordinal)
            .ThenBy(s => s.ImagePath, StringComparer.Ordinal)
            .DistinctBy(s => ResolvedPaths.Resolve(s.ImagePath), ResolvedPaths.Comparer)
            .ToList();
        Classes = Samples.Select(s => s.Class).Distinct(StringComparer.Ordinal).ToList();
        AnomalousCount = Samples.Count(s => s.Label);
        NormalCount = Samples.Count - AnomalousCount;
    }

    /// <summary>The layout the dataset was read with.</summary>
    public DatasetKind Kind { get; }

    /// <summary>Absolute path of the dataset root.</summary>
    public string Root { get; }

    /// <summary>The split read.</summary>
    public DatasetSplit Split { get; }

    /// <summary>The images, ordered by class then image path (ordinal).</summary>
    public IReadOnlyList<AnomalySample> Samples { get; }

    /// <summary>The classes present in <see cref="Samples"/>, in order.</summary>
    public IReadOnlyList<string> Classes { get; }

    /// <summary>Number of normal images.</summary>
    public int NormalCount { get; }

    /// <summary>Number of anomalous images.</summary>
    public int AnomalousCount { get; }

    /// <summary>The samples as an ML.NET data view with the columns of <see cref="AnomalyImageRow"/>.</summary>
    public IDataView ToDataView(MLContext mlContext) => Samples.ToDataView(mlContext);
}
