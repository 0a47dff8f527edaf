namespace DaClip.MLNet.Metrics;

/// <summary>
/// Steps through the MVTec AD PRO curve of a pixel table, one level at a time, highest score first: after level i,
/// FPR = normal pixels at or above it / all normal pixels and PRO = (sum of the region fractions of levels 0..i) /
/// regions, the sum Neumaier-compensated so that it stays exact to a few ulps over millions of levels. The one walk
/// behind <see cref="ProExact"/> (area) and <see cref="ProCurve"/> (points).
/// </summary>
internal ref struct ProCurveWalk
{
    private readonly ReadOnlySpan<long> _negatives;
    private readonly ReadOnlySpan<double> _fractions;
    private readonly double _negativeCount, _regionCount;
    private long _falsePositives;
    private double _fractionSum, _compensation;
    private int _next;

    /// <summary>Starts before the first level; the table must have normal pixels and regions.</summary>
    public ProCurveWalk(ScoreLevelTable table)
    {
        _negatives = table.Negatives;
        _fractions = table.RegionFractions;
        _negativeCount = table.NegativeCount;
        _regionCount = table.RegionCount;
    }

    /// <summary>The level of the last point returned by <see cref="MoveNext"/>.</summary>
    public readonly int Level => _next - 1;

    /// <summary>Advances one level; false after the last.</summary>
    public bool MoveNext(out double fpr, out double pro)
    {
        if (_next == _negatives.Length)
        {
            fpr = pro = 0;
            return false;
        }
        _falsePositives += _negatives[_next];
        double f = _fractions[_next], t = _fractionSum + f;
        _compensation += Math.Abs(_fractionSum) >= Math.Abs(f) ? (_fractionSum - t) + f : (f - t) + _fractionSum;
        _fractionSum = t;
        _next++;
        fpr = _falsePositives / _negativeCount;
        pro = (_fractionSum + _compensation) / _regionCount;
        return true;
    }

    /// <summary>The PRO value at <paramref name="fprLimit"/> on the segment from (fpr0, pro0) to (fpr1, pro1).</summary>
    public static double InterpolateAt(double fprLimit, double fpr0, double pro0, double fpr1, double pro1) =>
        pro0 + ((pro1 - pro0) * (fprLimit - fpr0) / (fpr1 - fpr0));
}
