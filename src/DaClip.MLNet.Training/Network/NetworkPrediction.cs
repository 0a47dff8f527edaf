using TorchSharp;
using static TorchSharp.torch;

namespace DaClip.MLNet.Training.Network;

/// <summary>The four inference outputs, as the ONNX graph emits them.</summary>
/// <param name="Score">[N] image score.</param>
/// <param name="AnomalyMap">[N, S, S] smoothed pixel map.</param>
/// <param name="GlobalProbability">[N] image-level anomaly probability.</param>
/// <param name="PatchMap">[N, g, g] fused patch map M.</param>
internal sealed record NetworkPrediction(Tensor Score, Tensor AnomalyMap, Tensor GlobalProbability, Tensor PatchMap) : IDisposable
{
    /// <inheritdoc />
    public void Dispose()
    {
        Score.Dispose();
        AnomalyMap.Dispose();
        GlobalProbability.Dispose();
        PatchMap.Dispose();
    }
}
