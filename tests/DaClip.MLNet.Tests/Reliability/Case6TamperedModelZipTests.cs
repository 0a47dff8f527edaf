using DaClip.MLNet.Tests.Infrastructure;
using DaClip.MLNet.Tests.MLNet;
using Microsoft.ML;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Reliability;

/// <summary>
/// Issue 9, case 6: tampered model zips (a random <c>Model.key</c>, a missing <c>DefaultMap.idv</c>, 64 flipped bytes)
/// ended in unhandled ML.NET exceptions or messages without the file. Now <see cref="DaClipTransformer.Load(MLContext, string)"/>
/// throws <see cref="DaClipFileFormatException"/> naming the zip, and <c>daclip predict</c> exits 2 with that message.
/// </summary>
[TestClass]
public class Case6TamperedModelZipTests
{
    private static ScoringFixture _f = null!;
    private static string _zip = null!;

    [ClassInitialize]
    public static void Setup(TestContext _)
    {
        _f = new ScoringFixture("reliability-zip", 2, seed: 4);
        var ml = new MLContext(seed: 1);
        using var model = ml.Transforms.ApplyDaClipModel(_f.ModelPath).Fit(_f.Rows(ml));
        _zip = _f.File("model.zip");
        model.Save(_zip);
    }

    [ClassCleanup]
    public static void Cleanup() => _f.Dispose();

    [TestMethod]
    public void RandomModelKey_IsDaClipFileFormatExceptionNamingTheZip_AndPredictExitsTwo()
    {
        var bad = _f.File("random-key.zip");
        TamperedModelZip.RandomizeEntries(_zip, bad, "Model.key", seed: 1);
        AssertRefused(bad);
    }

    [TestMethod]
    public void MissingDefaultMap_IsDaClipFileFormatExceptionNamingTheZip_AndPredictExitsTwo()
    {
        var bad = _f.File("no-defaultmap.zip");
        Assert.IsTrue(TamperedModelZip.RemoveEntries(_zip, bad, "DefaultMap.idv") > 0, "the saved model has DefaultMap.idv entries to remove");
        AssertRefused(bad);
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(2)]
    [DataRow(3)]
    [DataRow(4)]
    public void SixtyFourFlippedBytes_AreDaClipFileFormatExceptionNamingTheZip_AndPredictExitsTwo(int seed)
    {
        var bad = _f.File($"flipped-{seed}.zip");
        TamperedModelZip.FlipBytes(_zip, bad, 64, seed);
        AssertRefused(bad);
    }

    private static void AssertRefused(string path)
    {
        var e = Assert.ThrowsExactly<DaClipFileFormatException>(() => DaClipTransformer.Load(new MLContext(seed: 1), path).Dispose());
        StringAssert.Contains(e.Message, path);
        var (exit, output, err) = CliRunner.Run("predict", "--model", path, _f.Images[0].Path);
        Assert.AreEqual(2, exit, err);
        StringAssert.StartsWith(err, "daclip predict: ");
        StringAssert.Contains(err, path);
        Assert.IsFalse(err.Contains("   at ", StringComparison.Ordinal), "no stack trace: " + err);
        Assert.AreEqual("", output);
    }
}
