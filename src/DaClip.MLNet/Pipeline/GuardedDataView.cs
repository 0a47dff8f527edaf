using DaClip.MLNet.Scoring;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace DaClip.MLNet.Pipeline;

/// <summary>
/// The data view <see cref="DaClipTransformer.Transform"/> returns: the chain's output, whose cursors read values under
/// the transformer's <see cref="InFlightGuard"/>, so that disposing the transformer waits for rows being scored and
/// later reads throw <see cref="ObjectDisposedException"/> instead of touching a released ONNX Runtime session.
/// </summary>
internal sealed class GuardedDataView(IDataView inner, InFlightGuard guard) : IDataView
{
    /// <inheritdoc />
    public bool CanShuffle => inner.CanShuffle;

    /// <inheritdoc />
    public DataViewSchema Schema => inner.Schema;

    /// <inheritdoc />
    public long? GetRowCount() => inner.GetRowCount();

    /// <inheritdoc />
    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        using var lease = guard.Enter();
        return new GuardedRowCursor(inner.GetRowCursor(columnsNeeded, rand), guard);
    }

    /// <inheritdoc />
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
    {
        using var lease = guard.Enter();
        return inner.GetRowCursorSet(columnsNeeded, n, rand).Select(c => (DataViewRowCursor)new GuardedRowCursor(c, guard)).ToArray();
    }
}
