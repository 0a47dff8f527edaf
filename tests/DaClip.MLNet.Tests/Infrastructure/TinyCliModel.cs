using System.Globalization;
using DaClip.MLNet.Training.Synthetic;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Infrastructure;

/// <summary>
/// A model zip trained through <c>daclip train</c> with the tiny backbone on synthetic MVTec-shaped folders (S = 32, one
/// epoch; the recipe of <c>ModelVerbsTests</c>), and a held-out folder of images to score. Deleted on dispose.
/// </summary>
public sealed class TinyCliModel : IDisposable
{
    /// <summary>Side S of the model input and of the synthetic images.</summary>
    public const int Size = 32;

    /// <summary>Trains the model (a few seconds).</summary>
    public TinyCliModel(string name)
    {
        Dir = new TempDir(name);
        var split = new SyntheticDefectSplit([SyntheticCategory.Stripes, SyntheticCategory.Nut], [SyntheticCategory.Capsule, SyntheticCategory.Weave]);
        var options = new SyntheticDefectOptions { ImageSize = Size, TrainGoodPerClass = 0, TestGoodPerClass = 2, TestAnomalousPerClass = 3, Seed = 3 };
        var auxiliary = Dir.File("aux");
        new SyntheticDefectGenerator(split.AuxiliaryOptions(options)).WriteMvtecFolder(auxiliary);
        options.Seed = 4;
        HeldOut = Dir.File("held-out");
        new SyntheticDefectGenerator(split.HeldOutOptions(options)).WriteMvtecFolder(HeldOut);
        ModelPath = Dir.File(Path.Combine("models", "model.zip"));
        var (exit, _, err) = CliRunner.Run("train", "--data", "mvtec:" + auxiliary, "--backbone", "tiny", "--out", ModelPath,
            "--epochs", "1", "--batch-size", "4", "--image-size", Size.ToString(CultureInfo.InvariantCulture), "--seed", "7", "--json");
        Assert.AreEqual(0, exit, err);
    }

    /// <summary>The folder holding everything.</summary>
    public TempDir Dir { get; }

    /// <summary>The trained model zip.</summary>
    public string ModelPath { get; }

    /// <summary>The held-out MVTec-shaped folder (capsule, weave).</summary>
    public string HeldOut { get; }

    /// <summary>The held-out test images, normal and anomalous, in ordinal path order.</summary>
    public IReadOnlyList<string> TestImages() =>
        Directory.EnumerateFiles(HeldOut, "*.png", SearchOption.AllDirectories)
            .Where(p => p.Contains($"{Path.DirectorySeparatorChar}test{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).ToList();

    /// <inheritdoc />
    public void Dispose() => Dir.Dispose();
}
