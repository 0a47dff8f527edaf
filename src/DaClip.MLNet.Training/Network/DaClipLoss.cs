using TorchSharp;
using static TorchSharp.torch;

namespace DaClip.MLNet.Training.Network;

/// <summary>The loss and its parts (METHOD §6).</summary>
/// <param name="Total">Batch loss: mean over images of the per-image loss.</param>
/// <param name="Focal">Mean focal term over maps and images with masks.</param>
/// <param name="Dice">Mean of (Dice anomaly + Dice normal) over maps and images with masks.</param>
/// <param name="CrossEntropy">Mean image cross-entropy.</param>
/// <param name="MapParts">[T, 2, 3]: per tap, kind (L, G), part (focal, Dice anomaly, Dice normal), mean over images with masks.</param>
/// <param name="CrossEntropyPerImage">[B].</param>
internal sealed record DaClipLossParts(Tensor Total, Tensor Focal, Tensor Dice, Tensor CrossEntropy, Tensor MapParts, Tensor CrossEntropyPerImage);

/// <summary>
/// DA-CLIP's training loss (METHOD §6): for each tap and both map kinds, the anomaly probability is upsampled
/// bilinearly to S; focal loss (γ = 2, p clamped at 1e-5) on the two-class probabilities plus Dice of the anomaly map
/// against the mask and of the normal map against its complement; plus cross-entropy of the global logits against
/// the image label. Per image: <c>λ · mean over the 2|T| maps of (focal + Dice_a + Dice_n) + CE</c>; images without a
/// mask contribute CE only. The batch loss is the mean over images.
/// </summary>
internal static class DaClipLoss
{
    /// <summary>Computes the loss.</summary>
    /// <param name="head">The map head (for the upsampling to S).</param>
    /// <param name="local">L_t probabilities [B, T, P].</param>
    /// <param name="global">G_t probabilities [B, T, P].</param>
    /// <param name="globalLogits">[B, 2].</param>
    /// <param name="masks">[B, S, S] in {0, 1}.</param>
    /// <param name="hasMask">[B] bool: whether the mask of the image is known.</param>
    /// <param name="labels">[B] int64 image labels.</param>
    /// <param name="lambda">λ.</param>
    public static DaClipLossParts Compute(AnomalyMapHead head, Tensor local, Tensor global, Tensor globalLogits,
        Tensor masks, Tensor hasMask, Tensor labels, double lambda)
    {
        using var scope = torch.NewDisposeScope();
        long b = local.shape[0], taps = local.shape[1];
        int g = head.Grid;
        var kinds = torch.stack([local, global], 2);                                     // [B, T, 2, P]
        var maps = head.Upsample(kinds.reshape(b * taps * 2, g, g)).reshape(b, taps, 2, head.ImageSize, head.ImageSize);
        var m = masks.to(maps.dtype).unsqueeze(1).unsqueeze(1);                         // [B, 1, 1, S, S]
        var py = torch.where(m > 0.5, maps, 1 - maps);
        var focal = (-(1 - py).pow(2) * torch.log(py.clamp(1e-5, 1.0))).mean([-2, -1]);  // [B, T, 2]
        var diceA = Dice(maps, m);
        var diceN = Dice(1 - maps, 1 - m);
        var parts = torch.stack([focal, diceA, diceN], -1);                             // [B, T, 2, 3]
        var ce = nn.functional.cross_entropy(globalLogits, labels, reduction: nn.Reduction.None);

        var weight = hasMask.to(parts.dtype);                                           // [B]
        var perImageMaps = parts.sum([-1]).mean([1, 2]);                                // [B]
        var total = (lambda * perImageMaps * weight + ce).mean();
        var count = weight.sum().clamp_min(1.0);
        var mapParts = (parts * weight.reshape(b, 1, 1, 1)).sum([0]) / count;         // [T, 2, 3]
        var focalMean = (focal.mean([1, 2]) * weight).sum() / count;
        var diceMean = ((diceA + diceN).mean([1, 2]) * weight).sum() / count;
        return new DaClipLossParts(total.MoveToOuterDisposeScope(), focalMean.MoveToOuterDisposeScope(), diceMean.MoveToOuterDisposeScope(),
            ce.mean().MoveToOuterDisposeScope(), mapParts.MoveToOuterDisposeScope(), ce.MoveToOuterDisposeScope());
    }

    private static Tensor Dice(Tensor p, Tensor g)
    {
        var inter = (p * g).sum([-2, -1]);
        return 1 - (2 * inter + 1) / (p.sum([-2, -1]) + g.expand_as(p).sum([-2, -1]) + 1);
    }
}
