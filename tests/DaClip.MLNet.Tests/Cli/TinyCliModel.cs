using System.Globalization;
using DaClip.MLNet.Tests.Infrastructure;
using DaClip.MLNet.Training.Synthetic;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Cli;

/// <summary>
/// Tiny synthetic MVTec-shaped folders (S = 32; auxiliary stripes and nut, held-out capsule and weave, 2 normal and 3
/// anomalous test images per class) and a model trained on them through <c>daclip train</c> with the tiny backbone.
/// </summary>
public sealed class TinyCliModel : IDisposable
{
    /// <summary>Image side.</summary>
    public const int Size = 32;

    private TinyCliModel(TempDir dir, string auxiliary, string heldOut, string model)
    {
        Dir = dir;
        Auxiliary = auxiliary;
        HeldOut = heldOut;
        Model = model;
    }

    /// <summary>The temporary folder holding everything.</summary>
    public TempDir Dir { get; }

    /// <summary>The auxiliary (training) dataset root.</summary>
    public string Auxiliary { get; }

    /// <summary>The held-out dataset root.</summary>
    public string HeldOut { get; }

    /// <summary>The model zip.</summary>
    public string Model { get; }

    /// <summary>Writes the data; trains <paramref name="epochs"/> epoch(s) unless <paramref name="train"/> is false.</summary>
    public static TinyCliModel Create(string prefix, bool train = true, int epochs = 1, int testAnomalousPerClass = 3)
    {
        var dir = new TempDir(prefix);
        var split = new SyntheticDefectSplit([SyntheticCategory.Stripes, SyntheticCategory.Nut], [SyntheticCategory.Capsule, SyntheticCategory.Weave]);
        var options = new SyntheticDefectOptions { ImageSize = Size, TrainGoodPerClass = 0, TestGoodPerClass = 2, TestAnomalousPerClass = testAnomalousPerClass, Seed = 3 };
        var auxiliary = dir.File("aux");
        new SyntheticDefectGenerator(split.AuxiliaryOptions(options)).WriteMvtecFolder(auxiliary);
        options.Seed = 4;
        var heldOut = dir.File("held-out");
        new SyntheticDefectGenerator(split.HeldOutOptions(options)).WriteMvtecFolder(heldOut);
        var model = dir.File(Path.Combine("models", "model.zip"));
        if (train)
        {
            var (exit, _, err) = CliRunner.Run(TrainArguments(auxiliary, model, epochs));
            Assert.AreEqual(0, exit, err);
        }
        return new TinyCliModel(dir, auxiliary, heldOut, model);
    }

    /// <summary>The <c>daclip train</c> command line of the model.</summary>
    public static string[] TrainArguments(string auxiliary, string model, int epochs) =>
        ["train", "--data", "mvtec:" + auxiliary, "--backbone", "tiny", "--out", model, "--epochs", epochs.ToString(CultureInfo.InvariantCulture),
         "--batch-size", "4", "--image-size", Size.ToString(CultureInfo.InvariantCulture), "--seed", "7", "--json"];

    /// <inheritdoc />
    public void Dispose() => Dir.Dispose();
}
