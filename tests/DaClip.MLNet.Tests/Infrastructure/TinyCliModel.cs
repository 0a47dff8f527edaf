using System.Globalization;
using DaClip.MLNet.Training.Synthetic;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Infrastructure;

/// <summary>
/// Tiny synthetic MVTec-shaped folders (S = 32; auxiliary stripes and nut, held-out capsule and weave, 2 normal and 3
/// anomalous test images per class) and a model trained on them through <c>daclip train</c> with the tiny backbone
/// (the recipe of <c>ModelVerbsTests</c>). Deleted on dispose.
/// </summary>
public sealed class TinyCliModel : IDisposable
{
    /// <summary>Side S of the model input and of the synthetic images.</summary>
    public const int Size = 32;

    /// <summary>Writes the data and trains the model for one epoch (a few seconds).</summary>
    public TinyCliModel(string name) : this(name, train: true, epochs: 1, testAnomalousPerClass: 3)
    {
    }

    private TinyCliModel(string name, bool train, int epochs, int testAnomalousPerClass)
    {
        Dir = new TempDir(name);
        var split = new SyntheticDefectSplit([SyntheticCategory.Stripes, SyntheticCategory.Nut], [SyntheticCategory.Capsule, SyntheticCategory.Weave]);
        var options = new SyntheticDefectOptions { ImageSize = Size, TrainGoodPerClass = 0, TestGoodPerClass = 2, TestAnomalousPerClass = testAnomalousPerClass, Seed = 3 };
        Auxiliary = Dir.File("aux");
        new SyntheticDefectGenerator(split.AuxiliaryOptions(options)).WriteMvtecFolder(Auxiliary);
        options.Seed = 4;
        HeldOut = Dir.File("held-out");
        new SyntheticDefectGenerator(split.HeldOutOptions(options)).WriteMvtecFolder(HeldOut);
        ModelPath = Dir.File(Path.Combine("models", "model.zip"));
        if (train)
        {
            var (exit, _, err) = CliRunner.Run(TrainArguments(Auxiliary, ModelPath, epochs));
            Assert.AreEqual(0, exit, err);
        }
    }

    /// <summary>Writes the data; trains <paramref name="epochs"/> epoch(s) unless <paramref name="train"/> is false.</summary>
    public static TinyCliModel Create(string prefix, bool train = true, int epochs = 1, int testAnomalousPerClass = 3) =>
        new(prefix, train, epochs, testAnomalousPerClass);

    /// <summary>The <c>daclip train</c> command line of the model.</summary>
    public static string[] TrainArguments(string auxiliary, string model, int epochs) =>
        ["train", "--data", "mvtec:" + auxiliary, "--backbone", "tiny", "--out", model, "--epochs", epochs.ToString(CultureInfo.InvariantCulture),
         "--batch-size", "4", "--image-size", Size.ToString(CultureInfo.InvariantCulture), "--seed", "7", "--json"];

    /// <summary>The folder holding everything.</summary>
    public TempDir Dir { get; }

    /// <summary>The auxiliary (training) dataset root.</summary>
    public string Auxiliary { get; }

    /// <summary>The held-out MVTec-shaped folder (capsule, weave).</summary>
    public string HeldOut { get; }

    /// <summary>The model zip (trained unless created with <c>train: false</c>).</summary>
    public string ModelPath { get; }

    /// <summary>The model zip; the same as <see cref="ModelPath"/>.</summary>
    public string Model => ModelPath;

    /// <summary>The held-out test images, normal and anomalous, in ordinal path order.</summary>
    public IReadOnlyList<string> TestImages() =>
        Directory.EnumerateFiles(HeldOut, "*.png", SearchOption.AllDirectories)
            .Where(p => p.Contains($"{Path.DirectorySeparatorChar}test{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).ToList();

    /// <inheritdoc />
    public void Dispose() => Dir.Dispose();
}
