namespace DaClip.MLNet.Data;

/// <summary>Reads one dataset layout into <see cref="AnomalySample"/> rows.</summary>
public interface IAnomalyDatasetReader
{
    /// <summary>The layout this reader understands.</summary>
    DatasetKind Kind { get; }

    /// <summary>Reads the dataset under <paramref name="root"/>; throws <see cref="DatasetLayoutException"/> naming the path and the fix when the layout does not match.</summary>
    AnomalyDataset Read(string root, DatasetReadOptions? options = null);
}
