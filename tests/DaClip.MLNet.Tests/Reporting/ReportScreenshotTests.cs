using DaClip.MLNet.Imaging;
using DaClip.MLNet.Reporting;
using DaClip.MLNet.Tests.Infrastructure;
using DaClip.MLNet.Training.Synthetic;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Reporting;

/// <summary>
/// The report renders in a real browser: headless Chromium (Debian package <c>chromium</c>) takes a screenshot of
/// index.html from the file system (offline), which must have the window's size and show the page's charts and
/// overlays (many distinct colours, mostly not blank). Without Chromium the test is inconclusive, and fails under CI,
/// whose script installs it. The screenshot and the report are attached to the test results.
/// </summary>
[TestClass]
public sealed class ReportScreenshotTests
{
    private const int WindowWidth = 1280, WindowHeight = 2000;
    private static readonly TimeSpan BrowserTimeout = TimeSpan.FromSeconds(60);

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void ReportRendersInHeadlessChromium()
    {
        var chromium = HeadlessChromium.Require();

        using var dir = new TempDir("report-shot");
        var images = ReportTestData.Create(dir.File("data"), [SyntheticCategory.Screw, SyntheticCategory.Wood, SyntheticCategory.Pcb], imageSize: 160, mapSize: 32, good: 5, anomalous: 6, seed: 3);
        var builder = new AnomalyReportBuilder(worstCasesPerClass: 3);
        foreach (var image in images) builder.Add(image);
        var input = builder.Build("Synthetic defects: zero-shot screenshot check") with
        {
            Model = "daclip-synthetic.onnx",
            Backbone = "ViT-B/16 (test)",
            RunInfo = [new("Dataset", "synthetic MVTec-style folder, 3 classes"), new("Image size", "160 px, map 32 x 32")],
        };
        var report = dir.File("report");
        AnomalyReport.Write(report, input);

        var screenshot = dir.File("screenshot.png");
        var arguments = new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--user-data-dir=" + dir.File("profile"),
            "--screenshot=" + screenshot, $"--window-size={WindowWidth},{WindowHeight}", new Uri(Path.Combine(report, "index.html")).AbsoluteUri,
        };
        var (exitCode, output) = HeadlessChromium.Run(chromium, arguments, BrowserTimeout);
        TestContext.WriteLine($"{chromium} {string.Join(' ', arguments)}\nexit {exitCode}\n{output}");
        Assert.IsTrue(File.Exists(screenshot), $"Chromium wrote no screenshot (exit {exitCode}):\n{output}");

        var shot = ImageDecoder.Decode(screenshot);
        Assert.AreEqual(WindowWidth, shot.Width);
        Assert.AreEqual(WindowHeight, shot.Height);
        var colours = new HashSet<int>();
        int notWhite = 0;
        var samples = shot.Samples;
        for (int s = 0; s < samples.Length; s += 3)
        {
            int r = samples[s] / 257, g = samples[s + 1] / 257, b = samples[s + 2] / 257;
            colours.Add((r << 16) | (g << 8) | b);
            if (r < 245 || g < 245 || b < 245) notWhite++;
        }
        TestContext.WriteLine($"{colours.Count} distinct colours, {100.0 * notWhite / (shot.Width * shot.Height):F1}% not white");
        Assert.IsGreaterThan(2000, colours.Count, "charts and heatmap overlays bring thousands of colours; a blank or unstyled page has few");
        Assert.IsGreaterThan(shot.Width * shot.Height / 10, notWhite, "at least a tenth of the page is drawn");

        var kept = Path.Combine(TestContext.TestRunResultsDirectory ?? dir.Path, "report-screenshot.png");
        File.Copy(screenshot, kept, overwrite: true);
        TestContext.AddResultFile(kept);
    }
}
