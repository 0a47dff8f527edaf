using DaClip.MLNet.Training.Export;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Export;

[TestClass]
public class OnnxGraphValidatorTests
{
    [TestMethod]
    public void UndefinedInputIsRejectedWithItsName()
    {
        var model = new OnnxModelBuilder();
        var g = model.Graph;
        var x = g.AddInput("x", OnnxElementType.Float, [2]);
        g.AddOutput("y", OnnxElementType.Float, [2], g.Add(x, "weights_never_added"));
        var e = Assert.ThrowsExactly<OnnxGraphException>(() => model.ToBytes());
        StringAssert.Contains(e.Message, "'weights_never_added'");
        StringAssert.Contains(e.Message, "Add node");
    }

    [TestMethod]
    public void UseBeforeDefinitionIsRejected()
    {
        var model = new OnnxModelBuilder();
        var g = model.Graph;
        var x = g.AddInput("x", OnnxElementType.Float, [2]);
        g.NodeInto("Add", [x, "later"], ["sum"]);
        g.NodeInto("Identity", [x], ["later"]);
        g.AddOutput("sum", OnnxElementType.Float, [2]);
        var e = Assert.ThrowsExactly<OnnxGraphException>(() => model.Build());
        StringAssert.Contains(e.Message, "'later'");
    }

    [TestMethod]
    public void DuplicateNamesAreRejectedAtOnce()
    {
        var model = new OnnxModelBuilder();
        var g = model.Graph;
        g.AddInput("x", OnnxElementType.Float, [2]);
        Assert.ThrowsExactly<OnnxGraphException>(() => g.AddInitializer("x", [1f, 2f], 2));
        Assert.ThrowsExactly<OnnxGraphException>(() => g.Node("Relu", ["x"], output: "x"));
    }

    [TestMethod]
    public void OutputThatIsNeverComputedIsRejected()
    {
        var model = new OnnxModelBuilder();
        var g = model.Graph;
        g.Relu(g.AddInput("x", OnnxElementType.Float, [2]));
        g.AddOutput("missing", OnnxElementType.Float, [2]);
        var e = Assert.ThrowsExactly<OnnxGraphException>(() => model.Build());
        StringAssert.Contains(e.Message, "'missing'");
    }

    [TestMethod]
    public void SubgraphMayReadOuterValuesDefinedBeforeItsNodeOnly()
    {
        var model = new OnnxModelBuilder();
        var g = model.Graph;
        var x = g.AddInput("x", OnnxElementType.Float, [3]);
        var body = g.CreateSubgraph("body");
        var s = body.AddInput("s", OnnxElementType.Float, [3]);
        var e = body.AddInput("e", OnnxElementType.Float, [3]);
        body.AddOutput("s_out", OnnxElementType.Float, [3], body.Add(body.Add(s, e), "defined_after_scan"));
        var outs = g.Scan(body, [x], [g.AddInitializer("xs", new float[6], 2, 3)], 0);
        g.NodeInto("Identity", [x], ["defined_after_scan"]);
        g.AddOutput("y", OnnxElementType.Float, [3], outs[0]);
        var ex = Assert.ThrowsExactly<OnnxGraphException>(() => model.Build());
        StringAssert.Contains(ex.Message, "'defined_after_scan'");
        StringAssert.Contains(ex.Message, "body");
    }

    [TestMethod]
    public void OmittedOptionalInputIsAccepted()
    {
        var model = new OnnxModelBuilder();
        var g = model.Graph;
        var x = g.AddInput("x", OnnxElementType.Float, [1, 1, 2, 2]);
        g.AddOutput("y", OnnxElementType.Float, [1, 1, 4, 4], g.Resize(x, [1, 1, 4, 4], "nearest", "asymmetric"));
        var result = OrtRunner.Run(model.ToBytes(), ("x", [1f, 2f, 3f, 4f], [1, 1, 2, 2]))["y"];
        CollectionAssert.AreEqual(new[] { 1f, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4 }, result.Floats);
    }
}
