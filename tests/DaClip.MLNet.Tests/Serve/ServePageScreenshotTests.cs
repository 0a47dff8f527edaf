using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using DaClip.MLNet.Imaging;
using DaClip.MLNet.Tests.Infrastructure;
using DaClip.MLNet.Training.Synthetic;
using DaClip.Serve;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using static DaClip.MLNet.Tests.Serve.ServeTestClient;

namespace DaClip.MLNet.Tests.Serve;

/// <summary>
/// The web page at <c>/</c> works in a real browser: headless Chromium opens it with an image in the link
/// (<c>/#image=data:...</c>), the page scores it through <c>POST /v1/score?map=png</c> and shows the score, the verdict
/// and the overlay beside the original. The rendered DOM must show the score the API gives for the same image, and the
/// screenshot the heatmap's colours. Without Chromium the test is inconclusive, and fails under CI (like
/// <c>ReportScreenshotTests</c>).
/// </summary>
[TestClass]
public sealed class ServePageScreenshotTests
{
    private const int WindowWidth = 1280, WindowHeight = 1000;
    private static readonly TimeSpan BrowserTimeout = TimeSpan.FromSeconds(90);

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task Page_scores_an_image_and_shows_score_verdict_and_overlay_in_headless_Chromium()
    {
        var chromium = HeadlessChromium.Require();
        using var model = new TinyCliModel("serve-page");
        await using var server = await DaClipServer.StartAsync(Options(model.ModelPath));
        using var http = new HttpClient { BaseAddress = server.Addresses[0] };
        var generator = new SyntheticDefectGenerator(new SyntheticDefectOptions { ImageSize = 160, Seed = 5, Categories = [SyntheticCategory.Wood] });
        var image = generator.Render(SyntheticCategory.Wood, SyntheticSubset.Test, generator.DefectKinds(SyntheticCategory.Wood)[0], 0).EncodePng();
        var (status, body, _) = await PostRawAsync(http, "/v1/score", image);
        Assert.AreEqual(HttpStatusCode.OK, status, body.ToString());
        var score = body.GetProperty("score").GetSingle().ToString("F4", CultureInfo.InvariantCulture);
        var verdict = body.GetProperty("label").GetString()!;

        var url = new Uri(server.Addresses[0], "/#image=" + Uri.EscapeDataString("data:image/png;base64," + Convert.ToBase64String(image))).AbsoluteUri;
        using var dir = new TempDir("serve-shot");
        string[] common = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--user-data-dir=" + dir.File("profile"), "--virtual-time-budget=15000"];
        var (exitCode, dom) = HeadlessChromium.Run(chromium, [.. common, "--dump-dom", url], BrowserTimeout);
        TestContext.WriteLine($"dump-dom exit {exitCode}");
        StringAssert.Contains(dom, "data-scored=\"true\"", "the page finished scoring:\n" + dom);
        Assert.AreEqual(score, Regex.Match(dom, "id=\"score\"[^>]*>([^<]*)<").Groups[1].Value, "the page shows the API's score");
        Assert.AreEqual(verdict, Regex.Match(dom, "id=\"verdict\"[^>]*>([^<]*)<").Groups[1].Value, "the page shows the API's verdict");
        StringAssert.Contains(dom, "src=\"data:image/png;base64,", "the overlay is shown");

        var screenshot = dir.File("screenshot.png");
        (exitCode, var output) = HeadlessChromium.Run(chromium, [.. common, "--screenshot=" + screenshot, $"--window-size={WindowWidth},{WindowHeight}", url], BrowserTimeout);
        Assert.IsTrue(File.Exists(screenshot), $"Chromium wrote no screenshot (exit {exitCode}):\n{output}");
        var shot = ImageDecoder.Decode(screenshot);
        Assert.AreEqual((WindowWidth, WindowHeight), (shot.Width, shot.Height));
        var colours = new HashSet<int>();
        var samples = shot.Samples;
        for (int s = 0; s < samples.Length; s += 3) colours.Add((samples[s] / 257 << 16) | (samples[s + 1] / 257 << 8) | samples[s + 2] / 257);
        TestContext.WriteLine($"{colours.Count} distinct colours");
        Assert.IsGreaterThan(1500, colours.Count, "the original and the heatmap overlay bring thousands of colours; an empty page has few");

        var kept = Path.Combine(TestContext.TestRunResultsDirectory ?? dir.Path, "serve-page-screenshot.png");
        File.Copy(screenshot, kept, overwrite: true);
        TestContext.AddResultFile(kept);
    }
}
