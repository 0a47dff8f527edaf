using DaClip.MLNet.Tests.Data;
using DaClip.MLNet.Tests.MLNet;
using Microsoft.ML;

namespace DaClip.MLNet.Tests.Reliability;

/// <summary>Inputs of the reliability tests: a saved model zip that scores image paths without training, and small images.</summary>
internal static class ReliabilityFiles
{
    /// <summary>Writes a model zip (the <see cref="ContractModel"/> graph behind ML.NET, image column of file paths) to <paramref name="path"/>.</summary>
    public static string ModelZip(string path, int size = ContractModel.Size)
    {
        var ml = new MLContext(seed: 1);
        var rows = ml.Data.LoadFromEnumerable(new[] { new ImageRow { Image = "x.png" } });
        using var model = new DaClipScoringEstimator(ml, ContractModel.Build(0.5f, size)).Fit(rows);
        model.Save(path, rows.Schema);
        return path;
    }

    /// <summary>Writes an 8 x 8 grey PNG (<paramref name="grey"/>) to <paramref name="path"/>, creating its folder.</summary>
    public static string Png(string path, byte grey = 90)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, TinyImages.For(path, grey));
        return path;
    }
}
