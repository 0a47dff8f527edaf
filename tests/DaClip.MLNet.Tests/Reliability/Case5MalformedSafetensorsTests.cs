using DaClip.MLNet.IO;
using DaClip.MLNet.Tests.Infrastructure;
using DaClip.MLNet.Training.Clip;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Reliability;

/// <summary>
/// Issue 9, case 5: malformed safetensors crashed with stack traces (IndexOutOfRange in ClipConfig.Infer, element-count
/// and offset overflows reaching libtorch or the memory map). Each must now be a <see cref="ClipCheckpointException"/>
/// naming the file and the tensor, and <c>daclip inspect-weights</c> must exit 2 with that message.
/// </summary>
[TestClass]
public class Case5MalformedSafetensorsTests
{
    [TestMethod]
    [DataRow("text_projection", new long[] { 128 }, DisplayName = "1-D text_projection")]
    [DataRow("visual.conv1.weight", new long[0], DisplayName = "0-D conv1")]
    [DataRow("ln_final.weight", new long[] { 4, 4 }, DisplayName = "2-D ln_final")]
    [DataRow("visual.positional_embedding", new long[] { 17 }, DisplayName = "1-D positional embedding")]
    public void WrongRank_InClipConfigInfer_IsClipCheckpointExceptionNamingTheTensor(string key, long[] shape)
    {
        using var dir = new TempDir("rank");
        var path = MalformedSafetensors.WriteClipHead(dir.File("clip.safetensors"), key, shape);
        var e = Assert.ThrowsExactly<ClipCheckpointException>(() => ClipCheckpoint.Inspect(path));
        Assert.AreEqual(ClipCheckpointProblem.ShapeMismatch, e.Kind);
        StringAssert.Contains(e.Message, $"'{key}'");
        StringAssert.Contains(e.Message, path);
    }

    [TestMethod]
    [DataRow("negative dims", """{"w":{"dtype":"F32","shape":[-2,-2],"data_offsets":[0,16]}}""", 16, "negative")]
    [DataRow("dims 2^32 x 2^32", """{"w":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,0]}}""", 0, "overflows")]
    [DataRow("offsets near 2^63", """{"w":{"dtype":"U8","shape":[7],"data_offsets":[9223372036854775800,9223372036854775807]}}""", 8, "data_offsets")]
    [DataRow("offset beyond 2^64", """{"w":{"dtype":"U8","shape":[1],"data_offsets":[0,18446744073709551616]}}""", 8, "data_offsets")]
    [DataRow("dimension beyond 2^63", """{"w":{"dtype":"U8","shape":[9223372036854775808],"data_offsets":[0,1]}}""", 8, "shape")]
    [DataRow("listed twice", """{"w":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"w":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}""", 8, "twice")]
    public void MalformedHeader_IsClipCheckpointExceptionNamingTheTensor(string name, string header, int dataBytes, string? expected)
    {
        using var dir = new TempDir("st");
        var path = MalformedSafetensors.WriteRaw(dir.File("bad.safetensors"), header, dataBytes);
        var e = Assert.ThrowsExactly<ClipCheckpointException>(() => ClipCheckpoint.Inspect(path), name);
        StringAssert.Contains(e.Message, "'w'", name);
        StringAssert.Contains(e.Message, path, name);
        if (expected is not null) StringAssert.Contains(e.Message, expected, name);
        if (expected is not null) Assert.ThrowsExactly<DaClipFileFormatException>(() => SafetensorsFile.Open(path).Dispose(), name);
    }

    [TestMethod]
    public void ZeroSizedTensorWithHugeOtherDimensions_OpensWithZeroElements()
    {
        using var dir = new TempDir("st0");
        var path = MalformedSafetensors.WriteRaw(dir.File("empty.safetensors"),
            """{"w":{"dtype":"U8","shape":[4294967296,4294967296,4294967296,0],"data_offsets":[0,0]}}""", 8);
        using var file = SafetensorsFile.Open(path);
        Assert.AreEqual(0L, file["w"].ElementCount);
        Assert.AreEqual(0, file.ReadBytes("w").Length);
    }

    [TestMethod]
    public void InspectWeights_OnAMalformedFile_ExitsTwoWithTheTensorName()
    {
        using var dir = new TempDir("stcli");
        var path = MalformedSafetensors.WriteClipHead(dir.File("clip.safetensors"), "text_projection", [128]);
        var (exit, _, err) = CliRunner.Run("inspect-weights", path);
        Assert.AreEqual(2, exit, err);
        StringAssert.StartsWith(err, "daclip inspect-weights: ");
        StringAssert.Contains(err, "'text_projection'");
        Assert.IsFalse(err.Contains("   at ", StringComparison.Ordinal), "no stack trace: " + err);
    }
}
