using DaClip.MLNet.Training.Synthetic.Defects;
using DaClip.MLNet.Training.Synthetic.Rendering;

namespace DaClip.MLNet.Training.Synthetic;

/// <summary>
/// Draws synthetic industrial images with localized defects and exact masks, in memory or as an MVTec-AD folder,
/// for tests, demos and benchmarks of zero-shot anomaly detection (train on auxiliary categories, evaluate on
/// held-out ones; see <see cref="SyntheticDefectSplit"/>).
/// <para>
/// Determinism: every image is rendered from its own seed, hashed from <see cref="SyntheticDefectOptions.Seed"/>,
/// the category, subset, defect kind and index with the generator's own PRNG (SplitMix64 and xoshiro256**, not
/// System.Random). The same options give byte-identical pixels on a given platform; the geometry is defined in
/// normalised coordinates, so one seed shows the same product at every image size. Rendering uses
/// System.Math transcendental functions, whose last-bit results may differ between operating systems, so a rare
/// pixel may differ by one level across platforms.
/// </para>
/// <para>
/// Masks: a defective image is its seed's defect-free image with the defect painted on; the mask is exactly the
/// set of pixels whose bytes differ from the defect-free image (painted changes below 6 levels are not made), plus,
/// for pattern distortions, the unchanged pixels inside the distorted area.
/// </para>
/// </summary>
public sealed class SyntheticDefectGenerator
{
    private readonly SyntheticDefectOptions _options;
    private readonly Dictionary<SyntheticCategory, IReadOnlyList<SyntheticDefectKind>> _kinds = [];

    /// <summary>Creates a generator; <paramref name="options"/> is copied (null: defaults).</summary>
    /// <exception cref="DaClipException">An option is out of range or the categories and defect kinds do not fit together; the message names the option and the fix.</exception>
    public SyntheticDefectGenerator(SyntheticDefectOptions? options = null)
    {
        _options = (options ?? new SyntheticDefectOptions()).Clone();
        Validate(_options);
        Categories = _options.Categories ?? SyntheticCategories.All;
        foreach (var category in Categories)
        {
            var kinds = category.DefectKinds().Where(k => _options.DefectKinds is null || _options.DefectKinds.Contains(k)).ToArray();
            if (kinds.Length == 0 && _options.TestAnomalousPerClass > 0)
                throw new DaClipException(
                    $"SyntheticDefectOptions.DefectKinds ({string.Join(", ", _options.DefectKinds!.Select(k => k.FolderName()))}) has no kind that category " +
                    $"'{category.FolderName()}' uses ({string.Join(", ", category.DefectKinds().Select(k => k.FolderName()))}). Add one of its kinds, " +
                    "remove the category from SyntheticDefectOptions.Categories, or set TestAnomalousPerClass to 0.");
            _kinds[category] = kinds;
        }
    }

    /// <summary>Image width and height in pixels.</summary>
    public int ImageSize => _options.ImageSize;

    /// <summary>The dataset seed.</summary>
    public int Seed => _options.Seed;

    /// <summary>The categories drawn, in output order.</summary>
    public IReadOnlyList<SyntheticCategory> Categories { get; }

    /// <summary>A copy of the options in use.</summary>
    public SyntheticDefectOptions Options => _options.Clone();

    /// <summary>The defect kinds drawn for <paramref name="category"/> (its own kinds filtered by <see cref="SyntheticDefectOptions.DefectKinds"/>).</summary>
    public IReadOnlyList<SyntheticDefectKind> DefectKinds(SyntheticCategory category) =>
        _kinds.TryGetValue(category, out var kinds) ? kinds : throw NotDrawn(category);

    /// <summary>Renders one image by its place in the dataset; the result depends only on the seed, the image size, anti-aliasing and these arguments.</summary>
    /// <param name="category">Any category (it need not be among <see cref="Categories"/>).</param>
    /// <param name="subset">Train images must be defect-free.</param>
    /// <param name="defect">Null for a good image, else one of <paramref name="category"/>'s <see cref="SyntheticCategories.DefectKinds"/>.</param>
    /// <param name="index">Index within its folder, 0 or more.</param>
    /// <exception cref="DaClipException">The combination does not exist (a defect in train, a kind the category does not use, a negative index).</exception>
    public SyntheticImage Render(SyntheticCategory category, SyntheticSubset subset, SyntheticDefectKind? defect, int index)
    {
        if (subset == SyntheticSubset.Train && defect is not null)
            throw new DaClipException($"Train images are defect-free: pass defect null for subset Train (got {defect.Value.FolderName()}).");
        if (defect is { } kind && !category.DefectKinds().Contains(kind))
            throw new DaClipException($"Category '{category.FolderName()}' does not use defect kind '{kind.FolderName()}'; use one of {string.Join(", ", category.DefectKinds().Select(k => k.FolderName()))}.");
        if (index < 0) throw new DaClipException($"Image index must be 0 or more (got {index}).");
        var seed = ImageSeed(_options.Seed, category, subset, defect, index);
        var (rgb, mask) = ImageRenderer.Render(category, defect, seed, _options.ImageSize, _options.AntiAliasing);
        return new SyntheticImage(category, subset, defect, index, seed, _options.ImageSize, rgb, mask);
    }

    /// <summary>The <c>train/good</c> images of a category, rendered lazily in index order.</summary>
    public IEnumerable<SyntheticImage> TrainImages(SyntheticCategory category) =>
        Entries(category).Where(e => e.Subset == SyntheticSubset.Train).Select(Render);

    /// <summary>The test images of a category, rendered lazily: <c>test/good</c> first, then each defect kind in turn.</summary>
    public IEnumerable<SyntheticImage> TestImages(SyntheticCategory category) =>
        Entries(category).Where(e => e.Subset == SyntheticSubset.Test).Select(Render);

    /// <summary>Every image of the dataset, rendered lazily: per category, its train images then its test images.</summary>
    public IEnumerable<SyntheticImage> Images() => Categories.SelectMany(Entries).Select(Render);

    /// <summary>
    /// Writes the dataset as an MVTec-AD folder: <c>&lt;root&gt;/&lt;class&gt;/train/good/000.png</c>,
    /// <c>test/good/000.png</c>, <c>test/&lt;defect&gt;/000.png</c> and <c>ground_truth/&lt;defect&gt;/000_mask.png</c>
    /// (RGB images, single-channel 0/255 masks). The folder is built beside <paramref name="root"/> under a temporary
    /// name and moved into place when complete, so a failure leaves no partial dataset.
    /// </summary>
    /// <param name="root">Folder to create; it must not exist or be empty unless <paramref name="overwrite"/> is set.</param>
    /// <param name="overwrite">Replace an existing non-empty folder (it is removed only after the new one is complete).</param>
    /// <exception cref="DaClipException"><paramref name="root"/> is a file, or a non-empty folder without <paramref name="overwrite"/>.</exception>
    public void WriteMvtecFolder(string root, bool overwrite = false) =>
        MvtecFolderWriter.Write(Categories.SelectMany(Entries).ToArray(), Render, root, overwrite);

    /// <summary>The place of every image of a category in the dataset, in output order (checks that the category is drawn).</summary>
    internal IEnumerable<ImageEntry> Entries(SyntheticCategory category)
    {
        var kinds = DefectKinds(category);
        return Iterate();

        IEnumerable<ImageEntry> Iterate()
        {
            for (var i = 0; i < _options.TrainGoodPerClass; i++) yield return new(category, SyntheticSubset.Train, null, i);
            for (var i = 0; i < _options.TestGoodPerClass; i++) yield return new(category, SyntheticSubset.Test, null, i);
            for (var k = 0; k < kinds.Count; k++)
            {
                var count = _options.TestAnomalousPerClass / kinds.Count + (k < _options.TestAnomalousPerClass % kinds.Count ? 1 : 0);
                for (var i = 0; i < count; i++) yield return new(category, SyntheticSubset.Test, kinds[k], i);
            }
        }
    }

    private SyntheticImage Render(ImageEntry e) => Render(e.Category, e.Subset, e.Defect, e.Index);

    /// <summary>Renders with an explicit image seed (the same seed with and without a defect gives the image and its defect-free twin).</summary>
    internal SyntheticImage RenderWithSeed(SyntheticCategory category, SyntheticDefectKind? defect, ulong seed)
    {
        var (rgb, mask) = ImageRenderer.Render(category, defect, seed, _options.ImageSize, _options.AntiAliasing);
        return new SyntheticImage(category, SyntheticSubset.Test, defect, 0, seed, _options.ImageSize, rgb, mask);
    }

    internal static ulong ImageSeed(int seed, SyntheticCategory category, SyntheticSubset subset, SyntheticDefectKind? defect, int index) =>
        SyntheticRandom.Mix((ulong)(long)seed, (ulong)category + 1, (ulong)subset + 1, defect is { } k ? (ulong)k + 1 : 0UL, (ulong)index);

    /// <summary>An image's place in the dataset.</summary>
    internal readonly record struct ImageEntry(SyntheticCategory Category, SyntheticSubset Subset, SyntheticDefectKind? Defect, int Index);

    private DaClipException NotDrawn(SyntheticCategory category) =>
        new($"Category '{category.FolderName()}' is not drawn by this generator (SyntheticDefectOptions.Categories: {string.Join(", ", Categories.Select(c => c.FolderName()))}).");

    private static void Validate(SyntheticDefectOptions o)
    {
        if (o.ImageSize is < SyntheticDefectOptions.MinImageSize or > SyntheticDefectOptions.MaxImageSize)
            throw new DaClipException($"SyntheticDefectOptions.ImageSize is {o.ImageSize}; use {SyntheticDefectOptions.MinImageSize} to {SyntheticDefectOptions.MaxImageSize} pixels.");
        foreach (var (name, value) in new[] { ("TrainGoodPerClass", o.TrainGoodPerClass), ("TestGoodPerClass", o.TestGoodPerClass), ("TestAnomalousPerClass", o.TestAnomalousPerClass) })
            if (value < 0) throw new DaClipException($"SyntheticDefectOptions.{name} is {value}; use 0 or more.");
        if (o.Categories is { } categories)
        {
            if (categories.Count == 0) throw new DaClipException("SyntheticDefectOptions.Categories is empty; list at least one category, or leave it null for all.");
            foreach (var c in categories)
                if (!Enum.IsDefined(c)) throw new DaClipException($"SyntheticDefectOptions.Categories holds {(int)c}, which is not a SyntheticCategory.");
            if (categories.Distinct().Count() != categories.Count)
                throw new DaClipException("SyntheticDefectOptions.Categories lists a category twice; list each once.");
        }
        if (o.DefectKinds is { } kinds)
        {
            if (kinds.Count == 0) throw new DaClipException("SyntheticDefectOptions.DefectKinds is empty; list at least one kind, or leave it null for all.");
            foreach (var k in kinds)
                if (!Enum.IsDefined(k)) throw new DaClipException($"SyntheticDefectOptions.DefectKinds holds {(int)k}, which is not a SyntheticDefectKind.");
        }
    }
}
