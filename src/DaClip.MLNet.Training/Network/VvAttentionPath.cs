using DaClip.MLNet.Training.Clip;
using TorchSharp;
using static TorchSharp.torch;

namespace DaClip.MLNet.Training.Network;

/// <summary>Frozen visual features of a batch: normalised patch features per tap and the normalised global feature.</summary>
/// <param name="PatchFeatures">[B, T, P, D]: <c>P_t = norm(ln_post(tokens_t[1:]) @ proj)</c> for each tapped layer, ascending.</param>
/// <param name="Global">[B, D]: <c>g = norm(ln_post(x_L[0]) @ proj)</c>.</param>
internal sealed record VisualFeatures(Tensor PatchFeatures, Tensor Global) : IDisposable
{
    /// <inheritdoc />
    public void Dispose()
    {
        PatchFeatures.Dispose();
        Global.Dispose();
    }
}

/// <summary>
/// DA-CLIP's local visual path (METHOD §2, as AnomalyCLIP's DPAM): from <c>VvStartLayer</c> on, a second stream
/// <c>v</c> runs beside CLIP's own stream <c>x</c>, updated by value-value attention of the same block
/// (<c>v' = v + attn_vv(ln_1(x))</c>, no MLP). v starts as the input of layer <c>VvStartLayer</c>. Taps below that
/// layer read the original stream.
/// </summary>
internal sealed class VvAttentionPath
{
    private readonly VisionTransformer _visual;

    /// <summary>Creates the path over a frozen image tower.</summary>
    public VvAttentionPath(VisionTransformer visual, IReadOnlyList<int> taps, int vvStartLayer, PositionalInterpolation interpolation = PositionalInterpolation.Bilinear)
    {
        _visual = visual;
        Interpolation = interpolation;
        Taps = taps.ToArray();
        VvStartLayer = vvStartLayer;
        int depth = visual.Blocks.Count;
        if (Taps.Length == 0 || Taps.Any(t => t < 1 || t > depth)) throw new ArgumentException($"Taps must be in 1..{depth}.", nameof(taps));
        if (vvStartLayer < 1 || vvStartLayer > depth) throw new ArgumentOutOfRangeException(nameof(vvStartLayer), $"VvStartLayer must be in 1..{depth}.");
    }

    /// <summary>How the positional embedding is resampled when S differs from the checkpoint's resolution.</summary>
    public PositionalInterpolation Interpolation { get; }

    /// <summary>Tapped layers (1-based, ascending).</summary>
    public int[] Taps { get; }

    /// <summary>First layer with the V-V update (1-based).</summary>
    public int VvStartLayer { get; }

    /// <summary>
    /// Tokens [B, 1 + P, W] at each tap (V-V stream from <see cref="VvStartLayer"/> on, else the original stream) and the
    /// last layer's output of the original stream, for CLIP-normalised pixels [B, 3, S, S].
    /// </summary>
    public (IReadOnlyList<Tensor> TapTokens, Tensor LastLayer) Tokens(Tensor pixels)
    {
        using var scope = torch.NewDisposeScope();
        var x = _visual.PreNorm(_visual.Embed(pixels, Interpolation));
        Tensor? v = null;
        var taps = new Tensor[Taps.Length];
        var blocks = _visual.Blocks;
        for (int layer = 1; layer <= blocks.Count; layer++)
        {
            var block = blocks[layer - 1];
            var a = block.Ln1.forward(x);
            if (layer >= VvStartLayer)
            {
                v ??= x;
                v = v + block.Attention.ForwardValueValue(a);
            }
            x = block.ForwardFromNormalized(x, a, null);
            int tapIndex = Array.IndexOf(Taps, layer);
            if (tapIndex >= 0) taps[tapIndex] = (layer >= VvStartLayer ? v! : x).MoveToOuterDisposeScope();
        }
        return (taps, x.MoveToOuterDisposeScope());
    }

    /// <summary>Normalised patch features per tap and the normalised global feature.</summary>
    public VisualFeatures Features(Tensor pixels)
    {
        using var scope = torch.NewDisposeScope();
        var (taps, last) = Tokens(pixels);
        var patches = torch.stack(taps.Select(t => nn.functional.normalize(_visual.Project(t.narrow(1, 1, t.shape[1] - 1)), dim: -1)), 1);
        var global = nn.functional.normalize(_visual.Project(last.select(1, 0)), dim: -1);
        return new VisualFeatures(patches.MoveToOuterDisposeScope(), global.MoveToOuterDisposeScope());
    }
}
