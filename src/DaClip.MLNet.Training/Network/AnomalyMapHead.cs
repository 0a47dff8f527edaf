using TorchSharp;
using static TorchSharp.torch;

namespace DaClip.MLNet.Training.Network;

/// <summary>
/// Anomaly maps and scores (METHOD §5): per tap the local map <c>L_t = softmax(P_t T_l'ᵀ/τ)[anomaly]</c> and the
/// global-space map <c>G_t</c> (with <c>T_g'</c>); fusion <c>M = α mean L + (1-α) mean G</c> on the patch grid;
/// bilinear upsampling to S×S and Gaussian smoothing (reflect padding) for the pixel map; the image score
/// <c>β p_g + (1-β) mean(top-k M)</c>.
/// </summary>
internal sealed class AnomalyMapHead
{
    private readonly DaClipModelOptions _options;

    /// <summary>Creates the head for S = <paramref name="imageSize"/> and a <paramref name="grid"/>×<paramref name="grid"/> patch grid.</summary>
    public AnomalyMapHead(DaClipModelOptions options, int imageSize, int grid)
    {
        _options = options;
        ImageSize = imageSize;
        Grid = grid;
        Radius = options.GaussianRadius(imageSize);
        Kernel = GaussianWeights(options.Sigma, Radius);
    }

    /// <summary>Pixel map side S.</summary>
    public int ImageSize { get; }

    /// <summary>Patch grid side g.</summary>
    public int Grid { get; }

    /// <summary>Gaussian radius r (2r + 1 weights).</summary>
    public int Radius { get; }

    /// <summary>The normalised Gaussian weights <c>exp(-x²/(2σ²))</c>, x = -r..r.</summary>
    public float[] Kernel { get; }

    /// <summary>Normalised Gaussian weights for σ and radius r.</summary>
    public static float[] GaussianWeights(double sigma, int radius)
    {
        var w = new double[2 * radius + 1];
        for (int i = -radius; i <= radius; i++) w[i + radius] = Math.Exp(-(double)i * i / (2 * sigma * sigma));
        double sum = w.Sum();
        return w.Select(v => (float)(v / sum)).ToArray();
    }

    /// <summary>Anomaly probability per patch for each tap: [B, T, P] from features [B, T, P, D] and text [B, 2, D].</summary>
    public Tensor AnomalyProbabilities(Tensor patchFeatures, Tensor text)
    {
        using var scope = torch.NewDisposeScope();
        var logits = torch.matmul(patchFeatures, text.unsqueeze(1).transpose(-1, -2)) / _options.Tau;   // [B, T, P, 2]
        return logits.softmax(-1).select(-1, 1).MoveToOuterDisposeScope();
    }

    /// <summary>The fused map M on the patch grid, [B, g, g].</summary>
    public Tensor Fuse(Tensor local, Tensor global)
    {
        using var scope = torch.NewDisposeScope();
        var m = _options.Alpha * local.mean([1]) + (1 - _options.Alpha) * global.mean([1]);
        return m.reshape(m.shape[0], Grid, Grid).MoveToOuterDisposeScope();
    }

    /// <summary>Bilinear upsampling (align_corners = false) of grid maps [B, g, g] to [B, S, S].</summary>
    public Tensor Upsample(Tensor grid)
    {
        using var scope = torch.NewDisposeScope();
        var up = nn.functional.interpolate(grid.unsqueeze(1), size: [ImageSize, ImageSize], mode: InterpolationMode.Bilinear, align_corners: false);
        return up.squeeze(1).MoveToOuterDisposeScope();
    }

    /// <summary>Separable Gaussian smoothing of [B, S, S] maps, reflect padding without edge repeat.</summary>
    public Tensor Smooth(Tensor map)
    {
        using var scope = torch.NewDisposeScope();
        var k = torch.tensor(Kernel, device: map.device).to(map.dtype);
        int r = Radius;
        var x = map.unsqueeze(1);
        x = nn.functional.pad(x, [r, r, 0, 0], PaddingModes.Reflect);
        x = nn.functional.conv2d(x, k.reshape(1, 1, 1, 2 * r + 1));
        x = nn.functional.pad(x, [0, 0, r, r], PaddingModes.Reflect);
        x = nn.functional.conv2d(x, k.reshape(1, 1, 2 * r + 1, 1));
        return x.squeeze(1).MoveToOuterDisposeScope();
    }

    /// <summary>Image-level logits <c>g T_g'ᵀ / τ</c> [B, 2] and anomaly probability [B].</summary>
    public (Tensor Logits, Tensor Probability) Global(Tensor global, Tensor globalText)
    {
        using var scope = torch.NewDisposeScope();
        var logits = torch.matmul(global.unsqueeze(1), globalText.transpose(-1, -2)).squeeze(1) / _options.Tau;
        var prob = logits.softmax(-1).select(-1, 1);
        return (logits.MoveToOuterDisposeScope(), prob.MoveToOuterDisposeScope());
    }

    /// <summary>Mean of the k' = min(k, P) largest values of each fused map [B, g, g] → [B].</summary>
    public static Tensor TopKMean(Tensor fused, int k)
    {
        using var scope = torch.NewDisposeScope();
        var flat = fused.flatten(1);
        int kk = (int)Math.Min(k, flat.shape[1]);
        return flat.topk(kk, dim: 1).values.mean([1]).MoveToOuterDisposeScope();
    }

    /// <summary><c>β p_g + (1-β) s_k</c>.</summary>
    public Tensor Score(Tensor globalProbability, Tensor topK) => _options.Beta * globalProbability + (1 - _options.Beta) * topK;
}
