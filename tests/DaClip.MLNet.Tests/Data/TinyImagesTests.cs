using Microsoft.VisualStudio.TestTools.UnitTesting;
using SkiaSharp;

namespace DaClip.MLNet.Tests.Data;

[TestClass]
public class TinyImagesTests
{
    [TestMethod]
    [DataRow("a.png")]
    [DataRow("a.JPG")]
    [DataRow("a.bmp")]
    public void ReplicaImagesDecode(string name)
    {
        using var bitmap = SKBitmap.Decode(TinyImages.For(name, 100, mark: true));
        Assert.IsNotNull(bitmap, name);
        Assert.AreEqual(8, bitmap.Width);
        Assert.AreEqual(8, bitmap.Height);
        Assert.AreEqual(255, bitmap.GetPixel(4, 4).Red, 2, "marked centre");
        Assert.AreEqual(100, bitmap.GetPixel(0, 0).Red, 3, "grey border");
    }

    [TestMethod]
    public void TiffHasBaselineHeader()
    {
        var tiff = TinyImages.For("a.tif", 7);
        CollectionAssert.AreEqual(new byte[] { (byte)'I', (byte)'I', 42, 0, 8, 0, 0, 0 }, tiff[..8]);
        Assert.AreEqual(8 + 2 + 9 * 12 + 4 + 64, tiff.Length);
        Assert.AreEqual(7, tiff[^1]);
    }
}
