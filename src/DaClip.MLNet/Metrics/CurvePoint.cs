namespace DaClip.MLNet.Metrics;

/// <summary>
/// One point of a ROC curve (<see cref="RocCurve"/>: X the false-positive rate, Y the true-positive rate) or of a PRO
/// curve (<see cref="ProCurve"/>: X the false-positive rate over normal pixels, Y the mean per-region overlap).
/// </summary>
/// <param name="X">False-positive rate.</param>
/// <param name="Y">True-positive rate (ROC) or per-region overlap (PRO).</param>
/// <param name="Threshold">
/// The score threshold of the point (samples scoring &gt;= it are predicted anomalous); +infinity for the origin, where
/// nothing is predicted anomalous, and NaN for the PRO point interpolated at the FPR limit, which no threshold reaches.
/// </param>
public readonly record struct CurvePoint(double X, double Y, float Threshold);
