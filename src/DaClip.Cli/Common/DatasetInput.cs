using DaClip.MLNet.Data;

namespace DaClip.Cli.Common;

/// <summary>Reads the test split of a <c>--data</c> dataset, with the library's messages turned to the command line's options.</summary>
internal static class DatasetInput
{
    private const string LibraryFix = "read with DatasetReadOptions.RequireMasks = false";

    /// <summary>The test split of <paramref name="spec"/>, restricted to <paramref name="classes"/> when given.</summary>
    /// <exception cref="DatasetLayoutException">The folder does not have the layout of its kind.</exception>
    public static AnomalyDataset ReadTestSplit(DatasetSpec spec, IReadOnlyList<string>? classes, bool allowMissingMasks)
    {
        try
        {
            return AnomalyDatasets.Read(spec, new DatasetReadOptions
            {
                Split = DatasetSplit.Test,
                Classes = classes is { Count: > 0 } ? classes : null,
                RequireMasks = !allowMissingMasks,
            });
        }
        catch (DatasetLayoutException e) when (e.Fix.Contains(LibraryFix, StringComparison.Ordinal))
        {
            throw new DatasetLayoutException(e.LayoutPath, e.Problem, e.Fix.Replace(LibraryFix, "pass --allow-missing-masks", StringComparison.Ordinal), e);
        }
    }

    /// <summary>The <c>--allow-missing-masks</c> option.</summary>
    public static System.CommandLine.Option<bool> AllowMissingMasksOption() => new("--allow-missing-masks")
    {
        Description = "Accept anomalous images without a mask (and masks without an image) instead of stopping. Training uses their image label only; in test their pixels count as normal, so pixel metrics are biased.",
    };
}
