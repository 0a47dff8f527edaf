using DaClip.MLNet.Data;
using DaClip.MLNet.Imaging;

namespace DaClip.Cli.Common;

/// <summary>
/// Refuses masks whose width and height differ from their image's: they would be stretched onto the image silently,
/// shifting every labelled pixel. <c>--resize-masks</c> accepts them (stretched, with a warning).
/// </summary>
internal static class MaskSizeCheck
{
    /// <summary>The <c>--resize-masks</c> option.</summary>
    public static System.CommandLine.Option<bool> ResizeMasksOption() => new("--resize-masks")
    {
        Description = "Accept masks whose size differs from their image's and stretch them onto the image (nearest neighbour). Without it such masks stop the command.",
    };

    /// <summary>Compares every mask of <paramref name="dataset"/> with its image (headers only).</summary>
    /// <exception cref="CliUsageException">Sizes differ and <paramref name="resizeMasks"/> is false.</exception>
    public static void Check(AnomalyDataset dataset, bool resizeMasks, TextWriter warnings)
    {
        var mismatches = new List<string>();
        foreach (var sample in dataset.Samples)
        {
            if (sample.MaskPath is not { } maskPath) continue;
            if (ImageDimensions.TryRead(sample.ImagePath) is not { } image || ImageDimensions.TryRead(maskPath) is not { } mask) continue;
            if (image != mask)
                mismatches.Add($"{maskPath} is {mask.Width} x {mask.Height}, its image {sample.ImagePath} is {image.Width} x {image.Height}");
        }
        if (mismatches.Count == 0) return;
        int masks = dataset.Samples.Count(s => s.MaskPath is not null);
        if (!resizeMasks)
            throw new CliUsageException($"{mismatches.Count} of {masks} masks differ in size from their images (first: {mismatches[0]}); they would be stretched onto the images. " +
                "Fix the masks, or pass --resize-masks to stretch them.");
        warnings.WriteLine($"Warning: {mismatches.Count} of {masks} masks differ in size from their images and are stretched onto them (--resize-masks); first: {mismatches[0]}.");
    }
}
