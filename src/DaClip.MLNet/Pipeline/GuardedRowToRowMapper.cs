using DaClip.MLNet.Scoring;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace DaClip.MLNet.Pipeline;

/// <summary>
/// The row-to-row mapper <see cref="DaClipTransformer.GetRowToRowMapper"/> returns (what a prediction engine uses): its
/// rows read values under the transformer's <see cref="InFlightGuard"/>.
/// </summary>
internal sealed class GuardedRowToRowMapper(IRowToRowMapper inner, InFlightGuard guard) : IRowToRowMapper
{
    /// <inheritdoc />
    public DataViewSchema InputSchema => inner.InputSchema;

    /// <inheritdoc />
    public DataViewSchema OutputSchema => inner.OutputSchema;

    /// <inheritdoc />
    public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns) => inner.GetDependencies(dependingColumns);

    /// <inheritdoc />
    public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns)
    {
        using var lease = guard.Enter();
        return new GuardedRow(inner.GetRow(input, activeColumns), guard);
    }
}
