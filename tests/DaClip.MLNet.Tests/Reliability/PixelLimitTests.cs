using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using DaClip.MLNet.Imaging;
using DaClip.MLNet.Tests.Infrastructure;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Reliability;

/// <summary>
/// Issue 9, case 7: a tiny file that declares a huge image must be a typed error naming the file, found from the declared
/// size before anything is allocated for the pixels (16-bit and 8-bit PNG, TIFF).
/// </summary>
[TestClass]
public sealed class PixelLimitTests
{
    [TestMethod]
    public void The_limit_is_100_megapixels()
    {
        Assert.AreEqual(100_000_000L, ImageLimits.MaxPixels);
        ImageLimits.CheckDeclaredSize(10_000, 10_000, "at the limit");
        Assert.ThrowsExactly<ImageInputException>(() => ImageLimits.CheckDeclaredSize(10_000, 10_001, "one row over"));
        Assert.ThrowsExactly<ImageInputException>(() => ImageLimits.CheckDeclaredSize(uint.MaxValue, uint.MaxValue, "no overflow"));
        Assert.ThrowsExactly<ImageInputException>(() => ImageLimits.CheckDeclaredSize(1, 0, "empty"));
    }

    [TestMethod]
    public void A_69_byte_16_bit_png_declaring_16384_squared_is_a_typed_error()
    {
        using var dir = new TempDir("r7");
        var path = dir.File("bomb16.png");
        File.WriteAllBytes(path, Png(16384, 16384, bitDepth: 16, colorType: 6, idat: Zlib([0, 0, 0])));
        Assert.IsTrue(new FileInfo(path).Length < 80);

        var e = Assert.ThrowsExactly<ImageInputException>(() => ImageDecoder.Decode(path));

        Assert.AreEqual(path, e.Input);
        StringAssert.Contains(e.Message, "16384 x 16384");
        StringAssert.Contains(e.Message, "ImageLimits.MaxPixels");
    }

    [TestMethod]
    public void An_8_bit_png_declaring_144_megapixels_is_refused_before_decoding()
    {
        using var dir = new TempDir("r7");
        var path = dir.File("bomb8.png");
        File.WriteAllBytes(path, Png(12000, 12000, bitDepth: 8, colorType: 2, idat: Zlib([0, 0, 0])));

        var e = Assert.ThrowsExactly<ImageInputException>(() => ImageDecoder.Decode(path));

        StringAssert.Contains(e.Message, "12000 x 12000");
        StringAssert.Contains(e.Message, "ImageLimits.MaxPixels");
    }

    [TestMethod]
    public void A_16_bit_png_under_the_limit_with_little_data_fails_as_truncated_without_allocating_for_its_declared_size()
    {
        using var dir = new TempDir("r7");
        var path = dir.File("short16.png");
        // 9000 x 9000 grey 16-bit: 162 MB of rows declared, 3 bytes of data present.
        var bytes = Png(9000, 9000, bitDepth: 16, colorType: 0, idat: Zlib([0, 0, 0]));
        File.WriteAllBytes(path, bytes);

        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.ThrowsExactly<ImageInputException>(() => ImageDecoder.Decode(bytes, path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        StringAssert.Contains(e.Message, "truncated");
        Assert.IsLessThan(16L << 20, allocated, $"{allocated:N0} bytes allocated for a {bytes.Length}-byte file");
    }

    [TestMethod]
    public void A_tiff_declaring_400_megapixels_is_a_typed_error()
    {
        using var dir = new TempDir("r7");
        var path = dir.File("bomb.tif");
        File.WriteAllBytes(path, TiffHeader(20000, 20000));

        var e = Assert.ThrowsExactly<ImageInputException>(() => ImageDecoder.Decode(path));

        Assert.AreEqual(path, e.Input);
        StringAssert.Contains(e.Message, "20000 x 20000");
    }

    private static byte[] Zlib(byte[] raw)
    {
        using var output = new MemoryStream();
        using (var z = new ZLibStream(output, CompressionLevel.Optimal, leaveOpen: true)) z.Write(raw);
        return output.ToArray();
    }

    private static byte[] Png(int width, int height, byte bitDepth, byte colorType, byte[] idat)
    {
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = bitDepth;
        header[9] = colorType;
        using var file = new MemoryStream();
        file.Write([137, 80, 78, 71, 13, 10, 26, 10]);
        Chunk(file, "IHDR", header);
        Chunk(file, "IDAT", idat);
        Chunk(file, "IEND", []);
        return file.ToArray();
    }

    private static void Chunk(Stream file, string type, byte[] body)
    {
        var typed = Encoding.ASCII.GetBytes(type).Concat(body).ToArray();
        var length = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, body.Length);
        file.Write(length);
        file.Write(typed);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typed));
        file.Write(crc);
    }

    private static uint Crc32(byte[] bytes)
    {
        uint c = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            c ^= b;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        }
        return ~c;
    }

    /// <summary>A little-endian TIFF directory for an 8-bit grey image of the given size whose one strip holds 16 bytes.</summary>
    private static byte[] TiffHeader(uint width, uint height) => Data.TinyImages.TiffFile(
        [(256, 4, width), (257, 4, height), (258, 3, 8), (259, 3, 1), (262, 3, 1), (273, 4, 0), (277, 3, 1), (278, 4, height), (279, 4, 16)],
        new byte[16]);
}
