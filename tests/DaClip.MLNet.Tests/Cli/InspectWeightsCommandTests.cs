using System.Text.Json;
using DaClip.MLNet.Tests.Clip;
using DaClip.MLNet.Tests.Infrastructure;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Cli;

[TestClass]
public sealed class InspectWeightsCommandTests
{
    [TestMethod]
    public void Prints_format_and_architecture_for_each_fixture_format()
    {
        var config = ClipFixtureTests.Sets().First().Config;
        using var doc = JsonDocument.Parse(File.ReadAllText(config));
        int width = doc.RootElement.GetProperty("vision_width").GetInt32();
        var dir = Path.GetDirectoryName(config)!;
        var name = Fixtures.SetName(config, "clip_*_config.json");
        foreach (var (suffix, format) in new[] { ("jit.pt", "TorchScript"), ("state_dict.pt", "TorchSave"), ("weights.safetensors", "Safetensors") })
        {
            var (exit, output, err) = CliRunner.Run("inspect-weights", Path.Combine(dir, $"clip_{name}_{suffix}"), "--json");
            Assert.AreEqual(0, exit, err);
            using var json = JsonDocument.Parse(output);
            Assert.AreEqual(format, json.RootElement.GetProperty("format").GetString());
            Assert.AreEqual(width, json.RootElement.GetProperty("config").GetProperty("VisionWidth").GetInt32());
        }
    }

    [TestMethod]
    public void A_bad_file_gives_a_message_and_exit_code_2()
    {
        using var tmp = new TempDir("cli");
        File.WriteAllText(tmp.File("x.pt"), "garbage");
        var (exit, _, err) = CliRunner.Run("inspect-weights", tmp.File("x.pt"));
        Assert.AreEqual(2, exit);
        StringAssert.Contains(err, "not a CLIP checkpoint");
    }
}
