using DaClip.MLNet.Metrics;

namespace DaClip.MLNet.Reporting;

/// <summary>One named curve of a <see cref="CurveChart"/>.</summary>
/// <param name="Name">Legend text (e.g. the class); drawn in capitals, cut with ".." when the legend is too narrow.</param>
/// <param name="Points">The points in drawing order (<see cref="RocCurve"/>, <see cref="ProCurve"/>); empty: listed in the legend as n/a, not drawn.</param>
/// <param name="Area">Optional value shown after the name with three decimals (e.g. the AUROC), never cut; NaN shows n/a.</param>
public sealed record CurveSeries(string Name, IReadOnlyList<CurvePoint> Points, double? Area = null);
