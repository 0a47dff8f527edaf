namespace DaClip.MLNet.Training.Export;

/// <summary>
/// The initializers of one linear layer as <see cref="DaClipGraphWriter.Linear"/> reads them: the weight ([out, in] in
/// the compute precision, or int8 [in, out] when <see cref="Scales"/> is set), the float bias [out] (compute
/// precision), and the per-output-channel scales [out] of an int8 weight (null otherwise).
/// </summary>
internal sealed record LinearWeights(string Weight, string Bias, string? Scales);
