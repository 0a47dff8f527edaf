using Microsoft.VisualStudio.TestTools.UnitTesting;
namespace DaClip.MLNet.Tests;
[TestClass]
public class SmokeTests
{
    [TestMethod]
    public void TorchLoads()
    {
        var t = TorchSharp.torch.ones(3);
        Assert.AreEqual(3.0f, t.sum().item<float>());
    }
}
