using DaClip.MLNet.Tests.Infrastructure;
using Microsoft.ML;

namespace DaClip.MLNet.Tests.MLNet;

/// <summary>A test class's synthetic images on disk and its <see cref="ContractModel"/> (bytes and file); deleted on dispose.</summary>
internal sealed class ScoringFixture : IDisposable
{
    public ScoringFixture(string name, int count, int seed, float threshold = 0.36f, string[]? classes = null)
    {
        Dir = new TempDir(name);
        Images = SyntheticImages.Write(Dir.Path, count, seed, classes);
        Threshold = threshold;
        Model = ContractModel.Build(threshold);
        ModelPath = Dir.File("contract.onnx");
        System.IO.File.WriteAllBytes(ModelPath, Model);
    }

    public TempDir Dir { get; }

    public IReadOnlyList<SyntheticImage> Images { get; }

    public float Threshold { get; }

    public byte[] Model { get; }

    public string ModelPath { get; }

    public string File(string name) => Dir.File(name);

    /// <summary>The images as rows (Image, Label, Mask, Class).</summary>
    public IDataView Rows(MLContext ml) => MLNetTestData.Rows(ml, Images);

    public void Dispose() => Dir.Dispose();
}
