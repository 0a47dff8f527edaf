namespace DaClip.MLNet.Scoring;

/// <summary>
/// Lets an object be disposed while other threads use it: every call that touches native resources holds a
/// <see cref="Lease"/> from <see cref="Enter"/>; <see cref="Close"/> refuses new leases (they throw
/// <see cref="ObjectDisposedException"/>) and waits until the leases already handed out are returned, so the native
/// resources are released only when no call is running. A call must not dispose its own object from inside a lease
/// (it would wait for itself).
/// </summary>
internal sealed class InFlightGuard(object owner)
{
    private readonly object _gate = new();
    private readonly string _ownerName = owner.GetType().FullName ?? owner.GetType().Name;
    private int _inFlight;
    private bool _closed;

    /// <summary>True once <see cref="Close"/> has started.</summary>
    public bool IsClosed
    {
        get
        {
            lock (_gate) return _closed;
        }
    }

    /// <summary>A lease for one call; dispose it when the call ends.</summary>
    /// <exception cref="ObjectDisposedException">The owner is disposed or being disposed.</exception>
    public Lease Enter()
    {
        lock (_gate)
        {
            if (_closed) throw new ObjectDisposedException(_ownerName);
            _inFlight++;
        }
        return new Lease(this);
    }

    /// <summary>
    /// Refuses new calls and waits for the running ones to end. Returns true for the call that closed the guard (it
    /// then releases the owner's resources), false when the guard was already closed (after waiting as well).
    /// </summary>
    public bool Close()
    {
        lock (_gate)
        {
            bool first = !_closed;
            _closed = true;
            while (_inFlight > 0) Monitor.Wait(_gate);
            return first;
        }
    }

    private void Exit()
    {
        lock (_gate)
        {
            if (--_inFlight == 0) Monitor.PulseAll(_gate);
        }
    }

    /// <summary>One call in flight; disposing it ends the call (once).</summary>
    public struct Lease : IDisposable
    {
        private InFlightGuard? _guard;

        internal Lease(InFlightGuard guard) => _guard = guard;

        /// <summary>Ends the call.</summary>
        public void Dispose()
        {
            var guard = _guard;
            _guard = null;
            guard?.Exit();
        }
    }
}
