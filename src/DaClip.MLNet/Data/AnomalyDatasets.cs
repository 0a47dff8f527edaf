using Microsoft.ML;

namespace DaClip.MLNet.Data;

/// <summary>Entry point of the dataset readers: one call per dataset, rows as a list or as an ML.NET data view.</summary>
public static class AnomalyDatasets
{
    /// <summary>The reader for <paramref name="kind"/>.</summary>
    public static IAnomalyDatasetReader ReaderFor(DatasetKind kind) => kind switch
    {
        DatasetKind.MvtecAd => new MvtecAdReader(),
        DatasetKind.Visa => new VisaReader(),
        DatasetKind.Mpdd => new MpddReader(),
        DatasetKind.Btad => new BtadReader(),
        DatasetKind.DtdSynthetic => new DtdSyntheticReader(),
        DatasetKind.BrainMri => new BrainMriReader(),
        DatasetKind.HeadCt => new HeadCtReader(),
        DatasetKind.Br35h => new Br35hReader(),
        DatasetKind.ClinicDb => new ClinicDbReader(),
        DatasetKind.Isic => new IsicReader(),
        DatasetKind.MetaJson => new MetaJsonReader(),
        DatasetKind.Folder => new FolderReader(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown dataset kind."),
    };

    /// <summary>Reads the dataset of layout <paramref name="kind"/> under <paramref name="root"/>.</summary>
    public static AnomalyDataset Read(DatasetKind kind, string root, DatasetReadOptions? options = null) =>
        ReaderFor(kind).Read(root, options);

    /// <summary>Reads the dataset named by a <c>--data kind:root</c> specification.</summary>
    public static AnomalyDataset Read(DatasetSpec spec, DatasetReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return Read(spec.Kind, spec.Root, options);
    }

    /// <summary>
    /// The samples as an ML.NET data view with columns <c>ImagePath</c>, <c>Class</c>, <c>Label</c> (Boolean, true = anomalous),
    /// <c>MaskPath</c> (empty when there is no mask) and <c>DefectType</c>.
    /// </summary>
    public static IDataView ToDataView(this IEnumerable<AnomalySample> samples, MLContext mlContext)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(mlContext);
        var rows = samples.Select(s => new AnomalyImageRow
        {
            ImagePath = s.ImagePath,
            Class = s.Class,
            Label = s.Label,
            MaskPath = s.MaskPath ?? "",
            DefectType = s.DefectType,
        }).ToList();
        return mlContext.Data.LoadFromEnumerable(rows);
    }
}
