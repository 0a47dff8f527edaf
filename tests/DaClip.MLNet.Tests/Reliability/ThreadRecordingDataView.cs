using System.Collections.Concurrent;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace DaClip.MLNet.Tests.Reliability;

/// <summary>
/// A data view that passes <paramref name="inner"/> through and records the managed thread of every row move and value
/// read of its cursors, to see which threads a consumer (ML.NET's cursors over it) pulls rows on.
/// </summary>
internal sealed class ThreadRecordingDataView(IDataView inner) : IDataView
{
    private readonly ConcurrentDictionary<int, int> _threads = new();

    /// <summary>The managed thread ids that moved cursors or read values, with how often each did.</summary>
    public IReadOnlyDictionary<int, int> Threads => _threads;

    /// <inheritdoc />
    public bool CanShuffle => inner.CanShuffle;

    /// <inheritdoc />
    public DataViewSchema Schema => inner.Schema;

    /// <inheritdoc />
    public long? GetRowCount() => inner.GetRowCount();

    /// <inheritdoc />
    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
        new Cursor(inner.GetRowCursor(columnsNeeded, rand), this);

    /// <inheritdoc />
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        inner.GetRowCursorSet(columnsNeeded, n, rand).Select(c => (DataViewRowCursor)new Cursor(c, this)).ToArray();

    private void Record() => _threads.AddOrUpdate(Environment.CurrentManagedThreadId, 1, (_, n) => n + 1);

    private sealed class Cursor(DataViewRowCursor inner, ThreadRecordingDataView owner) : DataViewRowCursor
    {
        public override long Position => inner.Position;

        public override long Batch => inner.Batch;

        public override DataViewSchema Schema => inner.Schema;

        public override bool IsColumnActive(DataViewSchema.Column column) => inner.IsColumnActive(column);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            var getter = inner.GetGetter<TValue>(column);
            return (ref TValue value) =>
            {
                owner.Record();
                getter(ref value);
            };
        }

        public override ValueGetter<DataViewRowId> GetIdGetter() => inner.GetIdGetter();

        public override bool MoveNext()
        {
            owner.Record();
            return inner.MoveNext();
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
