namespace DaClip.Cli.Common;

/// <summary>
/// The files the tool keeps beside a model zip <c>&lt;folder&gt;/&lt;stem&gt;.zip</c>: the training checkpoint
/// (<c>&lt;stem&gt;.checkpoint.safetensors</c>), the training record (<c>&lt;stem&gt;.training.json</c>) and, without a
/// report folder, the test metrics (<c>&lt;stem&gt;.test-metrics.csv</c> / <c>.json</c>).
/// </summary>
internal static class ModelFiles
{
    /// <summary>The default training checkpoint of the model.</summary>
    public static string Checkpoint(string modelPath) => Beside(modelPath, ".checkpoint.safetensors");

    /// <summary>The training record of the model.</summary>
    public static string TrainingRecord(string modelPath) => Beside(modelPath, ".training.json");

    /// <summary>The test metrics of the model, <paramref name="extension"/> "csv" or "json".</summary>
    public static string TestMetrics(string modelPath, string extension) => Beside(modelPath, ".test-metrics." + extension);

    private static string Beside(string modelPath, string suffix)
    {
        var full = Path.GetFullPath(modelPath);
        return Path.Combine(Path.GetDirectoryName(full)!, Path.GetFileNameWithoutExtension(full) + suffix);
    }
}
