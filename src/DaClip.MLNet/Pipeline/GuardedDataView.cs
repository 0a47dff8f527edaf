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
    /// <remarks>
    /// The cursor is asked of the chain as a set of one: the chain's own <c>GetRowCursor</c> splits the rows over ML.NET
    /// worker threads that run the ONNX model ahead of the reader, outside the guarded <c>MoveNext</c> and getter
    /// calls, so disposing the transformer between two reads released the session under a worker's run (a
    /// NullReferenceException inside ONNX Runtime). A set of one runs every row on the reading thread, under the guard.
    /// </remarks>
    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        using var lease = guard.Enter();
        var set = inner.GetRowCursorSet(columnsNeeded, 1, rand);
        if (set.Length == 1) return new GuardedRowCursor(set[0], guard);
        foreach (var cursor in set) cursor.Dispose();
        return new GuardedRowCursor(inner.GetRowCursor(columnsNeeded, rand), guard);   // an input view that ignores n: its rows keep their order
    }

    /// <inheritdoc />
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
    {
        using var lease = guard.Enter();
        return inner.GetRowCursorSet(columnsNeeded, n, rand).Select(c => (DataViewRowCursor)new GuardedRowCursor(c, guard)).ToArray();
    }
}
