using DaClip.MLNet.Training.Clip;
using DaClip.MLNet.Training.Network;
using DaClip.MLNet.Training.ZeroShot;

namespace DaClip.MLNet.Training.Export;

/// <summary>
/// What the graph parts read from a network: the frozen backbone, the visual path, the map head, the options and the
/// patch grid. Shared by DA-CLIP (<see cref="DaClipNetwork"/>) and the training-free baseline (<see cref="ZeroShotNetwork"/>),
/// so both export through the same vision-tower and map-head emission.
/// </summary>
internal sealed record ExportedNetwork(ClipModel Clip, VvAttentionPath Visual, AnomalyMapHead Head, DaClipModelOptions Options, int Grid)
{
    public static ExportedNetwork Of(DaClipNetwork net) => new(net.Clip, net.Visual, net.Head, net.Options, net.Grid);

    public static ExportedNetwork Of(ZeroShotNetwork net) => new(net.Clip, net.Visual, net.Head, net.Options, net.Grid);
}
