using System.Globalization;
using System.Text.Json;
using DaClip.MLNet.IO;
using DaClip.MLNet.Training.Network;
using TorchSharp;

namespace DaClip.MLNet.Training;

/// <summary>What a DA-CLIP checkpoint holds besides the trainable tensors.</summary>
/// <param name="ModelOptions">The network options.</param>
/// <param name="TrainingOptions">The training options.</param>
/// <param name="EpochsCompleted">Epochs finished when it was written.</param>
/// <param name="Backbone">Architecture name of the backbone.</param>
/// <param name="BackboneFingerprint">Content hash of the backbone weights (<see cref="BackboneFingerprint"/>).</param>
internal sealed record DaClipCheckpointInfo(
    DaClipModelOptions ModelOptions, DaClipTrainingOptions TrainingOptions, int EpochsCompleted, string Backbone, string BackboneFingerprint);

/// <summary>
/// DA-CLIP training checkpoints: one <c>.safetensors</c> file with the trainable tensors (METHOD §9 names, float32),
/// the optimizer state (a U8 tensor <c>optimizer.state</c> in TorchSharp's own format) and, in the metadata, the
/// model and training options as JSON, the completed epochs and the backbone identity. Written atomically.
/// </summary>
internal static class DaClipCheckpoint
{
    /// <summary>Metadata value of <c>daclip.format</c>.</summary>
    public const string Format = "daclip-checkpoint/1";

    private const string OptimizerKey = "optimizer.state";

    /// <summary>Writes the checkpoint atomically.</summary>
    public static void Save(string path, DaClipNetwork network, TorchSharp.Modules.OptimizerHelper? optimizer, DaClipTrainingOptions training, int epochsCompleted)
    {
        var tensors = new List<SafetensorsTensor>();
        foreach (var (name, t) in network.TrainableStateDict().OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            tensors.Add(SafetensorsTensor.FromSingle(name, t.data<float>().ToArray(), t.shape));
            t.Dispose();
        }
        if (optimizer is not null)
        {
            using var ms = new MemoryStream();
            using (var w = new BinaryWriter(ms, System.Text.Encoding.UTF8, leaveOpen: true)) optimizer.save_state_dict(w);
            tensors.Add(new SafetensorsTensor(OptimizerKey, SafetensorsDType.U8, [ms.Length], ms.ToArray()));
        }
        var json = new JsonSerializerOptions { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };
        SafetensorsWriter.Write(path, tensors, new Dictionary<string, string>
        {
            ["daclip.format"] = Format,
            ["daclip.options"] = network.Options.ToJson(),
            ["daclip.training"] = JsonSerializer.Serialize(training, json),
            ["daclip.epochs_completed"] = epochsCompleted.ToString(CultureInfo.InvariantCulture),
            ["daclip.backbone"] = network.Clip.Config.ArchitectureName,
            ["daclip.backbone_fingerprint"] = BackboneFingerprint.Of(network.Clip),
            ["daclip.package_version"] = typeof(DaClipCheckpoint).Assembly.GetName().Version?.ToString() ?? "",
        });
    }

    /// <summary>Reads the metadata of a checkpoint.</summary>
    /// <exception cref="DaClipFileFormatException">Not a DA-CLIP checkpoint.</exception>
    public static DaClipCheckpointInfo ReadInfo(string path)
    {
        using var f = SafetensorsFile.Open(path);
        if (!f.Metadata.TryGetValue("daclip.format", out var format) || format != Format)
            throw new DaClipFileFormatException(path, $"is not a DA-CLIP checkpoint (metadata daclip.format is '{format ?? "absent"}', expected '{Format}').");
        var json = new JsonSerializerOptions { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };
        return new DaClipCheckpointInfo(
            DaClipModelOptions.FromJson(f.Metadata["daclip.options"]),
            JsonSerializer.Deserialize<DaClipTrainingOptions>(f.Metadata["daclip.training"], json)!,
            int.Parse(f.Metadata["daclip.epochs_completed"], CultureInfo.InvariantCulture),
            f.Metadata["daclip.backbone"],
            f.Metadata["daclip.backbone_fingerprint"]);
    }

    /// <summary>
    /// Loads the trainable tensors into <paramref name="network"/> and, when given, the optimizer state; checks that the
    /// backbone is the one the checkpoint was trained on.
    /// </summary>
    public static DaClipCheckpointInfo Load(string path, DaClipNetwork network, TorchSharp.Modules.OptimizerHelper? optimizer = null)
    {
        var info = ReadInfo(path);
        var fingerprint = BackboneFingerprint.Of(network.Clip);
        if (info.BackboneFingerprint != fingerprint)
            throw new DaClipFileFormatException(path, $"was trained on another backbone ({info.Backbone}, fingerprint {info.BackboneFingerprint[..Math.Min(24, info.BackboneFingerprint.Length)]}…) than the one given ({fingerprint[..Math.Min(24, fingerprint.Length)]}…). Pass the same CLIP checkpoint.");
        network.LoadTrainable(path);
        if (optimizer is not null)
        {
            using var f = SafetensorsFile.Open(path);
            if (!f.Contains(OptimizerKey)) throw new DaClipFileFormatException(path, "has no optimizer state, so training cannot resume from it.");
            using var ms = new MemoryStream(f.ReadBytes(OptimizerKey));
            using var r = new BinaryReader(ms);
            optimizer.load_state_dict(r);
        }
        return info;
    }
}
