namespace DaClip.MLNet.Data;

/// <summary>Pairs images with the masks of a mask folder by file stem (letter case ignored, extensions free: BTAD's .bmp images have .png masks).</summary>
internal static class MaskPairing
{
    /// <summary>Stem suffixes tried for MVTec-style masks: <c>000.png</c> → <c>000_mask.png</c>, then <c>000.png</c> (BTAD).</summary>
    public static readonly string[] MvtecSuffixes = ["_mask", ""];

    /// <summary>
    /// The mask of each image of <paramref name="images"/> in <paramref name="maskDir"/>: the first mask whose stem is the image stem plus one of
    /// <paramref name="suffixes"/>. Only files of <paramref name="maskDir"/> that pass <paramref name="isMask"/> (default: every image file) count as
    /// masks. With <paramref name="require"/>, a missing mask or a mask that matches no image throws.
    /// </summary>
    public static string?[] Pair(IReadOnlyList<string> images, string imageDir, string maskDir, IReadOnlyList<string> suffixes, bool require, string root,
        Func<string, bool>? isMask = null)
    {
        var masks = DatasetFiles.Images(maskDir).Where(isMask ?? (_ => true)).ToList();
        var byStem = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var mask in masks) byStem.TryAdd(Path.GetFileNameWithoutExtension(mask), mask);

        var result = new string?[images.Count];
        var used = new HashSet<string>(StringComparer.Ordinal);
        var missing = new List<string>();
        for (int i = 0; i < images.Count; i++)
        {
            var stem = Path.GetFileNameWithoutExtension(images[i]);
            foreach (var suffix in suffixes)
            {
                if (byStem.TryGetValue(stem + suffix, out var mask))
                {
                    result[i] = mask;
                    used.Add(mask);
                    break;
                }
            }
            if (result[i] is null) missing.Add(images[i]);
        }

        if (!require) return result;
        var expected = string.Join(" or ", suffixes.Select(s => $"<stem>{s}.<ext>"));
        if (missing.Count > 0)
        {
            var first = missing[0];
            throw new DatasetLayoutException(maskDir,
                $"{missing.Count} of the {images.Count} images in {DatasetFiles.Relative(root, imageDir)} have no mask here " +
                $"(first: {Path.GetFileName(first)}, whose mask would be named {expected.Replace("<stem>", Path.GetFileNameWithoutExtension(first))}); " +
                $"the folder holds {masks.Count} masks for {images.Count} images.",
                "restore the missing masks from the dataset archive, or read with DatasetReadOptions.RequireMasks = false to use image labels without those masks.");
        }
        if (used.Count != masks.Count)
        {
            var stray = masks.First(m => !used.Contains(m));
            throw new DatasetLayoutException(maskDir,
                $"holds {masks.Count} masks but only {used.Count} match an image in {DatasetFiles.Relative(root, imageDir)} " +
                $"(first unmatched: {Path.GetFileName(stray)}; masks are matched to images named {expected}).",
                "remove stray files from the mask folder or restore the images they belong to, or read with DatasetReadOptions.RequireMasks = false.");
        }
        return result;
    }
}
