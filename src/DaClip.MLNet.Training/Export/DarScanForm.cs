namespace DaClip.MLNet.Training.Export;

/// <summary>
/// How the exported graph evaluates the DAR block's selective scan (METHOD §4). Both give the same values to float32
/// rounding; docs/onnx-export.md has the measurements behind the default.
/// </summary>
internal enum DarScanForm
{
    /// <summary>
    /// Plain operators, no control flow. Only the text rows of the scan output are used downstream, so the state after
    /// the image rows is a sum: <c>h = Σ_s exp(A · Σ_{r&gt;s} Δ_r) ⊙ Δ_s u_s B_s</c>, where each suffix sum of Δ is
    /// accumulated directly (a reverse exclusive <c>CumSum</c>); the four text rows then step sequentially.
    /// </summary>
    Parallel,

    /// <summary>An ONNX <c>Scan</c> over the image rows, one recurrence step per row, as the reference computes it.</summary>
    Sequential,
}
