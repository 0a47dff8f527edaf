using DaClip.MLNet.Tests.Imaging;
using DaClip.MLNet.Tests.Infrastructure;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Reliability;

/// <summary>
/// Issue 9, case 9: Ctrl+C during <c>predict</c> stops within one image and exits with 130. The CLI runs in a child
/// process that gets SIGINT once it has printed its first result; every wait is bounded.
/// </summary>
[TestClass]
public sealed class PredictCtrlCTests
{
    private const int Images = 120;

    [TestMethod]
    public void Sigint_stops_predict_within_one_image_with_exit_130()
    {
        using var dir = new TempDir("r9");
        var model = ReliabilityFiles.ModelZip(dir.File("m.zip"));
        // Large images (1600 x 1600, a smooth gradient: a few kB as PNG) take tens of milliseconds each to decode and resize.
        var png = Gradient(1600);
        var folder = dir.File("photos");
        Directory.CreateDirectory(folder);
        for (int i = 0; i < Images; i++) File.WriteAllBytes(Path.Combine(folder, $"{i:D3}.png"), png);

        using var run = new CliProcess("predict", "--model", model, folder, "--json", "--batch-size", "1");
        Assert.IsTrue(run.WaitUntil(() => run.StdoutLines >= 1, TimeSpan.FromMinutes(2)), "no result printed\n" + run.Transcript);
        run.Interrupt();
        int printedAtSignal = run.StdoutLines;
        int? exit = run.WaitForExit(TimeSpan.FromMinutes(1));

        Assert.AreEqual(130, exit, run.Transcript);
        Assert.IsLessThan(Images, run.StdoutLines, "every image was scored");
        Assert.IsLessThanOrEqualTo(printedAtSignal + 2, run.StdoutLines, "results kept coming after Ctrl+C\n" + run.Transcript);
        StringAssert.Contains(run.Transcript, "daclip predict: cancelled.");
    }

    private static byte[] Gradient(int size)
    {
        var samples = new int[3 * size * size];
        for (int y = 0, o = 0; y < size; y++)
            for (int x = 0; x < size; x++, o += 3)
                (samples[o], samples[o + 1], samples[o + 2]) = (x * 255 / size, y * 255 / size, 128);
        return TestImageFiles.Png(size, size, colorType: 2, depth: 8, samples);
    }
}
