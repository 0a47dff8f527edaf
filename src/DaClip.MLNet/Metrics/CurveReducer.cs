namespace DaClip.MLNet.Metrics;

/// <summary>
/// Collects the points of a curve that rises in both coordinates (ROC, PRO) and thins them for drawing: a point is kept
/// when its distance from the last kept point, |dx| / xRange + |dy| / yRange, is at least 2 / (maxPoints - 2); the first
/// and the last point are always kept. The path's normalised length is at most 2, so at most maxPoints points remain,
/// none farther than one step from a dropped one. With <see cref="int.MaxValue"/> every point is kept.
/// </summary>
internal sealed class CurveReducer
{
    private readonly List<CurvePoint> _kept;
    private readonly double _step, _xRange, _yRange;
    private CurvePoint _pending;
    private bool _hasPending;

    public CurveReducer(int maxPoints, double xRange, double yRange, int capacityHint)
    {
        ValidateMaxPoints(maxPoints);
        _step = maxPoints == int.MaxValue ? 0 : 2.0 / (maxPoints - 2);
        _xRange = xRange;
        _yRange = yRange;
        _kept = new List<CurvePoint>(Math.Min(capacityHint, maxPoints));
    }

    public void Add(CurvePoint point)
    {
        if (_kept.Count == 0)
        {
            _kept.Add(point);
            return;
        }
        var last = _kept[^1];
        if (Math.Abs(point.X - last.X) / _xRange + Math.Abs(point.Y - last.Y) / _yRange >= _step)
        {
            _kept.Add(point);
            _hasPending = false;
            return;
        }
        _pending = point;
        _hasPending = true;
    }

    public CurvePoint[] ToArray()
    {
        if (_hasPending) _kept.Add(_pending);
        _hasPending = false;
        return [.. _kept];
    }

    internal static void ValidateMaxPoints(int maxPoints, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(maxPoints))] string parameter = "maxPoints")
    {
        if (maxPoints < 3)
            throw new ArgumentOutOfRangeException(parameter, maxPoints, "A curve needs at least 3 points; pass int.MaxValue to keep every point.");
    }
}
