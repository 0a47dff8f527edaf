using System.Text.Json;
using BitMiracle.LibTiff.Classic;
using DaClip.MLNet.Data;
using DaClip.MLNet.Imaging;
using DaClip.MLNet.Tests.Infrastructure;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Reliability;

/// <summary>
/// Issue 9, case 12: CVC-ClinicDB's original release is TIFF (<c>Original/*.tif</c>, <c>Ground Truth/*.tif</c>); its images
/// and masks must decode wherever images are read: the decoder, the mask loader, <c>test</c> and <c>predict</c>.
/// </summary>
[TestClass]
public sealed class TiffClinicDbTests
{
    private const int Width = 40, Height = 30;

    [TestMethod]
    public void An_lzw_rgb_tiff_decodes_to_its_exact_pixels()
    {
        using var dir = new TempDir("r12");
        var path = WriteRgbTiff(dir.File("1.tif"), seed: 1);

        var image = ImageDecoder.Decode(path);

        Assert.AreEqual(Width, image.Width);
        Assert.AreEqual(Height, image.Height);
        for (int y = 0; y < Height; y++)
            for (int x = 0; x < Width; x++)
                for (int c = 0; c < 3; c++)
                    Assert.AreEqual(Pixel(x, y, c, seed: 1) * 257, image.Samples[3 * (y * Width + x) + c], $"({x}, {y}) channel {c}");
    }

    [TestMethod]
    public void A_grey_tiff_mask_loads_with_its_polyp()
    {
        using var dir = new TempDir("r12");
        var path = WriteMaskTiff(dir.File("1.tif"));

        var mask = MaskLoader.Load(path, 10);

        // The polyp covers x in [10, 30), y in [10, 20) of 40 x 30: columns 2.5..7.5 and rows 3.3..6.7 of the 10 x 10 grid.
        Assert.AreEqual(1, mask[5 * 10 + 5]);
        Assert.AreEqual(0, mask[0]);
        Assert.AreEqual(Enumerable.Range(0, 10).Count(y => y * 30 / 10 is >= 10 and < 20) * Enumerable.Range(0, 10).Count(x => x * 40 / 10 is >= 10 and < 30), mask.Sum(b => b));
    }

    [TestMethod]
    public void Test_and_predict_score_the_original_clinicdb_tiff_layout()
    {
        using var dir = new TempDir("r12");
        var root = dir.File("CVC-ClinicDB");
        for (int n = 1; n <= 3; n++)
        {
            WriteRgbTiff(Path.Combine(root, "Original", $"{n}.tif"), seed: n);
            WriteMaskTiff(Path.Combine(root, "Ground Truth", $"{n}.tif"));
        }
        var model = ReliabilityFiles.ModelZip(dir.File("m.zip"));

        var ds = AnomalyDatasets.Read(DatasetSpec.Parse("clinicdb:" + root));
        Assert.AreEqual(3, ds.AnomalousCount);
        var (exit, output, err) = CliRunner.Run("test", "--data", "clinicdb:" + root, "--model", model, "--json");
        Assert.AreEqual(0, exit, err);
        using var summary = JsonDocument.Parse(output);
        Assert.AreEqual(3, summary.RootElement.GetProperty("images").GetInt32());
        // Each 20 x 10 polyp of 40 x 30 covers 8 x 5 pixels of the model's 16 x 16 (nearest neighbour): 40 per mask.
        Assert.AreEqual(3 * 40, summary.RootElement.GetProperty("mean").GetProperty("anomalousPixels").GetInt64(), output);
        Assert.AreEqual(3 * (16 * 16 - 40), summary.RootElement.GetProperty("mean").GetProperty("normalPixels").GetInt64(), output);

        var (predictExit, lines, predictErr) = CliRunner.Run("predict", "--model", model, Path.Combine(root, "Original"), "--json");
        Assert.AreEqual(0, predictExit, predictErr);
        Assert.AreEqual(3, lines.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length, lines);
    }

    private static int Pixel(int x, int y, int c, int seed) => (x * 5 + y * 7 + c * 60 + seed * 11) % 256;

    private static string WriteRgbTiff(string path, int seed)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var tiff = Tiff.Open(path, "w");
        tiff.SetField(TiffTag.IMAGEWIDTH, Width);
        tiff.SetField(TiffTag.IMAGELENGTH, Height);
        tiff.SetField(TiffTag.SAMPLESPERPIXEL, 3);
        tiff.SetField(TiffTag.BITSPERSAMPLE, 8);
        tiff.SetField(TiffTag.PHOTOMETRIC, Photometric.RGB);
        tiff.SetField(TiffTag.PLANARCONFIG, PlanarConfig.CONTIG);
        tiff.SetField(TiffTag.COMPRESSION, Compression.LZW);
        tiff.SetField(TiffTag.ROWSPERSTRIP, 8);
        var row = new byte[3 * Width];
        for (int y = 0; y < Height; y++)
        {
            for (int x = 0; x < Width; x++)
                for (int c = 0; c < 3; c++) row[3 * x + c] = (byte)Pixel(x, y, c, seed);
            tiff.WriteScanline(row, y);
        }
        return path;
    }

    private static string WriteMaskTiff(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var tiff = Tiff.Open(path, "w");
        tiff.SetField(TiffTag.IMAGEWIDTH, Width);
        tiff.SetField(TiffTag.IMAGELENGTH, Height);
        tiff.SetField(TiffTag.SAMPLESPERPIXEL, 1);
        tiff.SetField(TiffTag.BITSPERSAMPLE, 8);
        tiff.SetField(TiffTag.PHOTOMETRIC, Photometric.MINISBLACK);
        tiff.SetField(TiffTag.COMPRESSION, Compression.PACKBITS);
        tiff.SetField(TiffTag.ROWSPERSTRIP, Height);
        var row = new byte[Width];
        for (int y = 0; y < Height; y++)
        {
            for (int x = 0; x < Width; x++) row[x] = (byte)(x is >= 10 and < 30 && y is >= 10 and < 20 ? 255 : 0);
            tiff.WriteScanline(row, y);
        }
        return path;
    }
}
