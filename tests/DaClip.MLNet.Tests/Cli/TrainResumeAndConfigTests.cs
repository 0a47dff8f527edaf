using System.Text.Json;
using DaClip.MLNet.IO;
using DaClip.MLNet.Tests.Infrastructure;
using DaClip.MLNet.Training;
using Microsoft.ML;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Cli;

/// <summary>
/// <c>daclip train --resume</c> (bit-identical to an uninterrupted run) and <c>--config</c> reaching the trained network's
/// options, on the tiny backbone and tiny synthetic data (S = 32, 10 images).
/// </summary>
[TestClass]
public sealed class TrainResumeAndConfigTests
{
    private static TinyCliModel _m = null!;

    [ClassInitialize]
    public static void Data(TestContext _) => _m = TinyCliModel.Create("cli-resume", train: false);

    [ClassCleanup]
    public static void Cleanup() => _m.Dispose();

    [TestMethod]
    public void Resumed_training_is_bit_identical_to_an_uninterrupted_run()
    {
        var whole = _m.Dir.File(Path.Combine("whole", "model.zip"));
        var (exit, _, err) = CliRunner.Run(TinyCliModel.TrainArguments(_m.Auxiliary, whole, epochs: 2));
        Assert.AreEqual(0, exit, err);

        var parts = _m.Dir.File(Path.Combine("parts", "model.zip"));
        (exit, _, err) = CliRunner.Run(TinyCliModel.TrainArguments(_m.Auxiliary, parts, epochs: 1));
        Assert.AreEqual(0, exit, err);
        var checkpoint = _m.Dir.File(Path.Combine("parts", "model.checkpoint.safetensors"));
        Assert.AreEqual(1, DaClipCheckpoint.ReadInfo(checkpoint).EpochsCompleted);
        (exit, var output, err) = CliRunner.Run([.. TinyCliModel.TrainArguments(_m.Auxiliary, parts, epochs: 2), "--resume"]);
        Assert.AreEqual(0, exit, err);
        Assert.AreEqual(2, JsonDocument.Parse(output).RootElement.GetProperty("epochs").GetInt32());
        Assert.AreEqual(2, DaClipCheckpoint.ReadInfo(checkpoint).EpochsCompleted);

        using var a = SafetensorsFile.Open(_m.Dir.File(Path.Combine("whole", "model.checkpoint.safetensors")));
        using var b = SafetensorsFile.Open(checkpoint);
        CollectionAssert.AreEquivalent(a.Names.ToList(), b.Names.ToList());
        Assert.IsTrue(a.Names.Count() > 5 && a.Contains("optimizer.state"));
        foreach (var name in a.Names) CollectionAssert.AreEqual(a.ReadBytes(name), b.ReadBytes(name), $"tensor {name}");

        var ml = new MLContext();
        using var ma = DaClipTransformer.Load(ml, whole);
        using var mb = DaClipTransformer.Load(ml, parts);
        CollectionAssert.AreEqual(ma.GetOnnxModel(), mb.GetOnnxModel(), "the same exported network");
    }

    [TestMethod]
    public void Resume_refuses_other_settings_a_missing_checkpoint_and_nothing_left_to_train()
    {
        var model = _m.Dir.File(Path.Combine("refuse", "model.zip"));
        var (exit, _, err) = CliRunner.Run([.. TinyCliModel.TrainArguments(_m.Auxiliary, model, epochs: 2), "--resume"]);
        Assert.AreEqual(2, exit, err);
        StringAssert.Contains(err, "--resume: no checkpoint at");

        (exit, _, err) = CliRunner.Run(TinyCliModel.TrainArguments(_m.Auxiliary, model, epochs: 1));
        Assert.AreEqual(0, exit, err);
        (exit, _, err) = CliRunner.Run("train", "--data", "mvtec:" + _m.Auxiliary, "--backbone", "tiny", "--out", model, "--epochs", "2", "--batch-size", "2",
            "--image-size", "32", "--seed", "7", "--resume", "--top-k", "3");
        Assert.AreEqual(2, exit, err);
        StringAssert.Contains(err, "--batch-size 4 vs 2");
        StringAssert.Contains(err, "\"TopK\":80");
        (exit, _, err) = CliRunner.Run([.. TinyCliModel.TrainArguments(_m.Auxiliary, model, epochs: 1), "--resume"]);
        Assert.AreEqual(2, exit, err);
        StringAssert.Contains(err, "already holds 1 epoch(s) and --epochs is 1");
        Assert.IsFalse(err.Contains("   at ", StringComparison.Ordinal), err);
    }

    [TestMethod]
    public void Config_file_sets_the_network_and_optimiser_options_and_flags_override_it()
    {
        var config = _m.Dir.File("run.yaml");
        File.WriteAllText(config, """
            # every key is a long option in snake_case
            epochs: 3
            batch_size: 4
            learning_rate: 0.002
            adam_betas: [0.6, 0.99]
            model:
              top_k: 7
              sigma: 2.5
              slots: 4
              alpha: 0.6
              normal_states: [object, flawless object]
            train:
              seed: 11
            test:
              mode: streaming
            """);
        var model = _m.Dir.File(Path.Combine("config", "model.zip"));
        var (exit, output, err) = CliRunner.Run("train", "--config", config, "--data", "mvtec:" + _m.Auxiliary, "--backbone", "tiny", "--out", model,
            "--image-size", "32", "--epochs", "1", "--json");
        Assert.AreEqual(0, exit, err);
        Assert.AreEqual(1, JsonDocument.Parse(output).RootElement.GetProperty("epochs").GetInt32(), "the flag overrides the file");
        var info = DaClipCheckpoint.ReadInfo(_m.Dir.File(Path.Combine("config", "model.checkpoint.safetensors")));
        Assert.AreEqual(7, info.ModelOptions.TopK);
        Assert.AreEqual(2.5, info.ModelOptions.Sigma);
        Assert.AreEqual(4, info.ModelOptions.Slots);
        Assert.AreEqual(0.6, info.ModelOptions.Alpha);
        Assert.AreEqual(32, info.ModelOptions.ImageSize);
        CollectionAssert.AreEqual(new[] { "object", "flawless object" }, info.ModelOptions.NormalStates);
        Assert.AreEqual(0.002, info.TrainingOptions.LearningRate);
        Assert.AreEqual(0.6, info.TrainingOptions.Beta1);
        Assert.AreEqual(0.99, info.TrainingOptions.Beta2);
        Assert.AreEqual(11, info.TrainingOptions.Seed, "the train: section applies to train");
        Assert.AreEqual(1, info.TrainingOptions.Epochs);
        Assert.AreEqual(0.07, info.ModelOptions.Tau, "unset options keep METHOD's defaults");
    }

    [TestMethod]
    public void Config_print_writes_the_effective_configuration_that_reads_back_the_same()
    {
        var config = _m.Dir.File("print.yaml");
        File.WriteAllText(config, "epochs: 3\nmodel:\n  top_k: 10\nadam_betas: [0.9, 0.99]\ntest:\n  mode: streaming\n");
        var (exit, yaml, err) = CliRunner.Run("config", "--print", "--config", config, "--epochs", "5", "--data", "mvtec:/data/x");
        Assert.AreEqual(0, exit, err);
        var values = yaml.Split('\n').Where(l => l.Contains(": ", StringComparison.Ordinal) && !l.StartsWith('#')).ToDictionary(l => l[..l.IndexOf(':')], l => l[(l.IndexOf(':') + 2)..]);
        Assert.AreEqual("5", values["epochs"], yaml);
        Assert.AreEqual("10", values["top_k"], yaml);
        Assert.AreEqual("4", values["sigma"], "default");
        Assert.AreEqual("0.001", values["learning_rate"], "default");
        Assert.AreEqual("mvtec:/data/x", values["data"]);
        StringAssert.Contains(yaml, "adam_betas:\n- 0.9\n- 0.99");

        var printed = _m.Dir.File("printed.yaml");
        File.WriteAllText(printed, yaml);
        (exit, var again, err) = CliRunner.Run("config", "--print", "--config", printed);
        Assert.AreEqual(0, exit, err);
        Assert.AreEqual(yaml, again, "the printed configuration reads back to itself");

        var json = _m.Dir.File("test.json");
        File.WriteAllText(json, """{ "mode": "streaming", "pro": "anomalib", "batch_size": 2 }""");
        (exit, var testConfig, err) = CliRunner.Run("config", "--print", "--for", "test", "--config", json, "--format", "json");
        Assert.AreEqual(0, exit, err);
        var t = JsonDocument.Parse(testConfig).RootElement;
        Assert.AreEqual("streaming", t.GetProperty("mode").GetString());
        Assert.AreEqual("anomalib", t.GetProperty("pro").GetString());
        Assert.AreEqual(2, t.GetProperty("batch_size").GetInt32());
    }

    [TestMethod]
    public void Unknown_keys_and_bad_values_in_a_config_are_usage_errors_naming_them()
    {
        var typo = _m.Dir.File("typo.yaml");
        File.WriteAllText(typo, "epochs: 2\nalpah: 0.5\n");
        var (exit, _, err) = CliRunner.Run("train", "--config", typo, "--data", "mvtec:" + _m.Auxiliary, "--backbone", "tiny", "--out", _m.Dir.File("typo.zip"));
        Assert.AreEqual(2, exit, err);
        StringAssert.Contains(err, "unknown key 'alpah' for `daclip train`");
        StringAssert.Contains(err, "alpha, anomaly_states");

        var section = _m.Dir.File("section.yaml");
        File.WriteAllText(section, "test:\n  top_k: 3\n");
        (exit, _, err) = CliRunner.Run("test", "--config", section, "--data", "mvtec:" + _m.HeldOut, "--model", _m.Dir.File("none.zip"));
        Assert.AreEqual(2, exit, err);
        StringAssert.Contains(err, "unknown key 'top_k' for `daclip test`");

        var bad = _m.Dir.File("bad.yaml");
        File.WriteAllText(bad, "epochs: zero\n");
        (exit, _, err) = CliRunner.Run("train", "--config", bad, "--data", "mvtec:" + _m.Auxiliary, "--backbone", "tiny", "--out", _m.Dir.File("bad.zip"));
        Assert.AreEqual(2, exit, err);
        StringAssert.Contains(err, "zero");
        StringAssert.Contains(err, "--epochs");

        var duplicate = _m.Dir.File("duplicate.yaml");
        File.WriteAllText(duplicate, "epochs: 2\nepochs: 3\n");
        (exit, _, err) = CliRunner.Run("train", "--config", duplicate, "--data", "mvtec:" + _m.Auxiliary, "--backbone", "tiny", "--out", _m.Dir.File("dup.zip"));
        Assert.AreEqual(2, exit, err);
        StringAssert.Contains(err, "duplicate.yaml");
        Assert.IsFalse(err.Contains("   at ", StringComparison.Ordinal), err);

        (exit, _, err) = CliRunner.Run("train", "--config", _m.Dir.File("missing.yaml"), "--data", "mvtec:" + _m.Auxiliary, "--backbone", "tiny", "--out", _m.Dir.File("m.zip"));
        Assert.AreEqual(2, exit, err);
        StringAssert.Contains(err, "missing.yaml: no such file");
        Assert.IsFalse(err.Contains("   at ", StringComparison.Ordinal), err);
    }
}
