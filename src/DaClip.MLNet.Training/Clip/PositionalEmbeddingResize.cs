using TorchSharp;
using static TorchSharp.torch;

namespace DaClip.MLNet.Training.Clip;

/// <summary>
/// Resizes a ViT positional embedding [1 + g², W] to another grid: the class row is kept, the g×g patch rows are
/// resampled as a [1, W, g, g] image with PyTorch's <c>F.interpolate(align_corners=False)</c>.
/// </summary>
internal static class PositionalEmbeddingResize
{
    /// <summary>The embedding for a <paramref name="newGrid"/>×<paramref name="newGrid"/> patch grid.</summary>
    public static Tensor Resize(Tensor embedding, int newGrid, PositionalInterpolation mode)
    {
        long rows = embedding.shape[0], width = embedding.shape[1];
        int grid = (int)Math.Round(Math.Sqrt(rows - 1));
        if (grid * grid + 1 != rows) throw new ArgumentException($"Positional embedding has {rows} rows: not 1 + a square.", nameof(embedding));
        if (newGrid == grid) return embedding.clone();
        using var scope = torch.NewDisposeScope();
        var cls = embedding.narrow(0, 0, 1);
        var patches = embedding.narrow(0, 1, rows - 1).reshape(1, grid, grid, width).permute(0, 3, 1, 2);
        var resized = nn.functional.interpolate(patches, size: [newGrid, newGrid],
            mode: mode == PositionalInterpolation.Bicubic ? InterpolationMode.Bicubic : InterpolationMode.Bilinear,
            align_corners: false);
        var rowsOut = resized.permute(0, 2, 3, 1).reshape(newGrid * newGrid, width);
        return torch.cat([cls, rowsOut], 0).MoveToOuterDisposeScope();
    }
}
