using DaClip.MLNet.Imaging;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Imaging;

[TestClass]
public class MaskLoaderTests
{
    [TestMethod]
    [DataRow(7, 5, 12)]
    [DataRow(7, 5, 3)]
    [DataRow(13, 11, 13)]
    [DataRow(31, 17, 8)]
    public void NearestNeighbourUsesFloorOfDstTimesInOverOut(int w, int h, int size)
    {
        var rng = new Random(w * 100 + size);
        // 16-bit grey mask with small labels (1, 2) that an 8-bit conversion would erase.
        var values = Enumerable.Range(0, w * h).Select(_ => rng.Next(3) == 0 ? rng.Next(1, 3) : 0).ToArray();
        var mask = MaskLoader.Resize(ImageDecoder.Decode(TestImageFiles.Png(w, h, 0, 16, values)), size);
        Assert.AreEqual(size * size, mask.Length);
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
            {
                int sy = y * h / size, sx = x * w / size;
                Assert.AreEqual(values[sy * w + sx] > 0 ? (byte)1 : (byte)0, mask[y * size + x], $"({x}, {y}) <- ({sx}, {sy})");
            }
    }

    [TestMethod]
    public void AnyNonZeroChannelCountsAndFileLoads()
    {
        // RGB 8-bit mask: only the blue channel set on one pixel.
        var png = TestImageFiles.Png(2, 1, 2, 8, [0, 0, 0, 0, 0, 9]);
        var dir = Directory.CreateTempSubdirectory("daclip-mask-");
        try
        {
            var path = Path.Combine(dir.FullName, "m.png");
            File.WriteAllBytes(path, png);
            CollectionAssert.AreEqual(new byte[] { 0, 1 }, MaskLoader.Load(path, 2).Take(2).ToArray());
            CollectionAssert.AreEqual(new byte[] { 0, 0, 1, 1 }, MaskLoader.Load(path, 4).Take(4).ToArray());
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [TestMethod]
    public void PadLeavesBackgroundZero()
    {
        var mask = MaskLoader.Resize(new RgbImage(4, 2, Enumerable.Repeat((ushort)65535, 24).ToArray()), 4, ImageFit.Pad);
        CollectionAssert.AreEqual(new byte[] { 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0 }, mask);
    }
}
