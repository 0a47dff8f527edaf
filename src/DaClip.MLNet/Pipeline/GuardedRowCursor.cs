using DaClip.MLNet.Scoring;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace DaClip.MLNet.Pipeline;

/// <summary>A cursor of <see cref="GuardedDataView"/>: moves and reads values of the inner cursor under the guard.</summary>
internal sealed class GuardedRowCursor(DataViewRowCursor inner, InFlightGuard guard) : DataViewRowCursor
{
    /// <inheritdoc />
    public override long Position => inner.Position;

    /// <inheritdoc />
    public override long Batch => inner.Batch;

    /// <inheritdoc />
    public override DataViewSchema Schema => inner.Schema;

    /// <inheritdoc />
    public override bool IsColumnActive(DataViewSchema.Column column) => inner.IsColumnActive(column);

    /// <inheritdoc />
    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => GuardedRow.Guard(inner.GetGetter<TValue>(column), guard);

    /// <inheritdoc />
    public override ValueGetter<DataViewRowId> GetIdGetter() => inner.GetIdGetter();

    /// <inheritdoc />
    public override bool MoveNext()
    {
        using var lease = guard.Enter();
        return inner.MoveNext();
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
