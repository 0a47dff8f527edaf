using DaClip.MLNet.Scoring;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace DaClip.MLNet.Pipeline;

/// <summary>A row of <see cref="GuardedRowToRowMapper"/> (a prediction engine's output row): reads values of the inner row under the guard.</summary>
internal sealed class GuardedRow(DataViewRow inner, InFlightGuard guard) : DataViewRow
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
    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => Guard(inner.GetGetter<TValue>(column), guard);

    /// <inheritdoc />
    public override ValueGetter<DataViewRowId> GetIdGetter() => inner.GetIdGetter();

    /// <summary>A getter that holds a lease of <paramref name="guard"/> while <paramref name="getter"/> runs.</summary>
    internal static ValueGetter<TValue> Guard<TValue>(ValueGetter<TValue> getter, InFlightGuard guard) => (ref TValue value) =>
    {
        using var lease = guard.Enter();
        getter(ref value);
    };

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
