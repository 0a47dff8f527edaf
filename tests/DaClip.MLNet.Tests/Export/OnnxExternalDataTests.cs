using DaClip.MLNet.Tests.Infrastructure;
using DaClip.MLNet.Training.Export;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using Onnx;

namespace DaClip.MLNet.Tests.Export;

[TestClass]
public class OnnxExternalDataTests
{
    private static OnnxModelBuilder LinearModel(float[] w, float[] b, int din, int dout)
    {
        var model = new OnnxModelBuilder();
        var g = model.Graph;
        var x = g.AddInput("x", OnnxElementType.Float, ["N", din]);
        g.AddOutput("y", OnnxElementType.Float, ["N", dout],
            g.Add(g.MatMul(x, g.AddInitializer("w", w, din, dout)), g.AddInitializer("b", b, dout)));
        return model;
    }

    [TestMethod]
    public void LargeTensorsGoToSideFileAndOnnxRuntimeReadsThem()
    {
        const int din = 40, dout = 30, n = 2;
        var rng = new Random(7);
        var w = Enumerable.Range(0, din * dout).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
        var b = Enumerable.Range(0, dout).Select(_ => (float)rng.NextDouble()).ToArray();
        var x = Enumerable.Range(0, n * din).Select(_ => (float)rng.NextDouble()).ToArray();
        var model = LinearModel(w, b, din, dout);

        var dir = Directory.CreateTempSubdirectory("daclip-onnx-ext-");
        try
        {
            var path = Path.Combine(dir.FullName, "linear.onnx");
            // Threshold below the 4920 payload bytes; the 120-byte bias stays inline.
            var dataPath = model.Save(path, new OnnxSaveOptions { ExternalDataThresholdBytes = 1000, ExternalTensorMinBytes = 1000 });
            Assert.AreEqual(path + ".data", dataPath);
            Assert.AreEqual(din * dout * 4L, new FileInfo(dataPath!).Length, "one tensor at offset 0");

            var proto = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
            var wProto = proto.Graph.Initializer.Single(t => t.Name == "w");
            Assert.AreEqual(TensorProto.Types.DataLocation.External, wProto.DataLocation);
            Assert.AreEqual(0, wProto.RawData.Length);
            var entries = wProto.ExternalData.ToDictionary(e => e.Key, e => e.Value);
            Assert.AreEqual("linear.onnx.data", entries["location"]);
            Assert.AreEqual("0", entries["offset"]);
            Assert.AreEqual((din * dout * 4).ToString(), entries["length"]);
            var bProto = proto.Graph.Initializer.Single(t => t.Name == "b");
            Assert.AreEqual(TensorProto.Types.DataLocation.Default, bProto.DataLocation);
            Assert.AreEqual(dout * 4, bProto.RawData.Length);

            var fromFile = OrtRunner.RunFile(path, ("x", x, [n, din]))["y"];
            var inline = OrtRunner.Run(model.ToBytes(), ("x", x, [n, din]))["y"];
            var expected = new float[n * dout];
            for (int r = 0; r < n; r++)
                for (int c = 0; c < dout; c++)
                {
                    double s = b[c];
                    for (int k = 0; k < din; k++) s += x[r * din + k] * w[k * dout + c];
                    expected[r * dout + c] = (float)s;
                }
            Tolerance.AssertClose(fromFile.Floats, expected, 1e-5, 1e-5, "external-data model");
            CollectionAssert.AreEqual(inline.Floats, fromFile.Floats, "same result as the inline model");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [TestMethod]
    public void SeveralExternalTensorsAreAligned()
    {
        var model = new OnnxModelBuilder();
        var g = model.Graph;
        var x = g.AddInput("x", OnnxElementType.Float, [3]);
        var sum = g.Add(g.Add(x, g.AddInitializer("a", [1f, 2f, 3f], 3)), g.AddInitializer("c", [10f, 20f, 30f], 3));
        g.AddOutput("y", OnnxElementType.Float, [3], sum);
        var dir = Directory.CreateTempSubdirectory("daclip-onnx-ext-");
        try
        {
            var path = Path.Combine(dir.FullName, "two.onnx");
            model.Save(path, new OnnxSaveOptions { ExternalDataThresholdBytes = 0, ExternalTensorMinBytes = 1, ExternalDataAlignment = 64 });
            var proto = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
            var offsets = proto.Graph.Initializer.Select(t => t.ExternalData.Single(e => e.Key == "offset").Value).ToArray();
            CollectionAssert.AreEqual(new[] { "0", "64" }, offsets);
            Assert.AreEqual(76L, new FileInfo(path + ".data").Length);
            CollectionAssert.AreEqual(new[] { 11.5f, 22.5f, 33.5f }, OrtRunner.RunFile(path, ("x", [0.5f, 0.5f, 0.5f], [3]))["y"].Floats);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [TestMethod]
    public void SmallModelIsSavedInlineWithoutSideFile()
    {
        var model = LinearModel([1f, 2f], [0.5f], 2, 1);
        var dir = Directory.CreateTempSubdirectory("daclip-onnx-ext-");
        try
        {
            var path = Path.Combine(dir.FullName, "small.onnx");
            Assert.IsNull(model.Save(path));
            Assert.IsFalse(File.Exists(path + ".data"));
            CollectionAssert.AreEqual(model.ToBytes(), File.ReadAllBytes(path));
            Assert.AreEqual(1, Directory.GetFiles(dir.FullName).Length, "no temporary file left behind");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
