using System.Globalization;
using DaClip.MLNet.IO;

namespace DaClip.MLNet.Training.Pretraining;

/// <summary>
/// Resumable pretraining checkpoints: one <c>.safetensors</c> file with every CLIP parameter (float32, OpenAI names),
/// the AdamW state (a U8 tensor in TorchSharp's own format), the completed epochs and the settings it was trained
/// with, written atomically.
/// </summary>
internal static class ClipPretrainingCheckpoint
{
    /// <summary>Metadata value of <c>daclip.format</c>.</summary>
    public const string Format = "daclip-pretraining-checkpoint/1";

    private const string OptimizerKey = "optimizer.state";

    /// <summary>Writes the checkpoint of <paramref name="pretrainer"/> after <paramref name="epochsCompleted"/> epochs (atomically).</summary>
    public static void Save(string path, ClipPretrainer pretrainer, int epochsCompleted)
    {
        var tensors = new List<SafetensorsTensor>();
        foreach (var (name, p) in pretrainer.Model.named_parameters().OrderBy(p => p.name, StringComparer.Ordinal))
            tensors.Add(SafetensorsTensor.FromSingle(name, p.detach().contiguous().data<float>().ToArray(), p.shape));
        using (var ms = new MemoryStream())
        {
            using (var w = new BinaryWriter(ms, System.Text.Encoding.UTF8, leaveOpen: true)) pretrainer.Optimizer.save_state_dict(w);
            tensors.Add(new SafetensorsTensor(OptimizerKey, SafetensorsDType.U8, [ms.Length], ms.ToArray()));
        }
        SafetensorsWriter.Write(path, tensors, new Dictionary<string, string>
        {
            ["daclip.format"] = Format,
            ["daclip.settings"] = Settings(pretrainer),
            ["daclip.epochs_completed"] = epochsCompleted.ToString(CultureInfo.InvariantCulture),
        });
    }

    /// <summary>Loads weights and optimizer state into <paramref name="pretrainer"/>; returns the completed epochs.</summary>
    /// <exception cref="DaClipFileFormatException">Not a pretraining checkpoint, or written with other settings.</exception>
    public static int Load(string path, ClipPretrainer pretrainer)
    {
        using var f = SafetensorsFile.Open(path);
        if (!f.Metadata.TryGetValue("daclip.format", out var format) || format != Format)
            throw new DaClipFileFormatException(path, $"is not a pretraining checkpoint (metadata daclip.format is '{format ?? "absent"}', expected '{Format}').");
        var settings = Settings(pretrainer);
        if (f.Metadata.GetValueOrDefault("daclip.settings") != settings)
            throw new DaClipFileFormatException(path, $"was written with other settings ({f.Metadata.GetValueOrDefault("daclip.settings")}); resume with the same options ({settings}) or start afresh.");
        using (TorchSharp.torch.no_grad())
        {
            foreach (var (name, p) in pretrainer.Model.named_parameters())
            {
                using var t = TorchSharp.torch.tensor(f.ReadSingle(name), f[name].Shape);
                p.copy_(t);
            }
        }
        using (var ms = new MemoryStream(f.ReadBytes(OptimizerKey)))
        using (var r = new BinaryReader(ms)) pretrainer.Optimizer.load_state_dict(r);
        return int.Parse(f.Metadata["daclip.epochs_completed"], CultureInfo.InvariantCulture);
    }

    private static string Settings(ClipPretrainer p) => p.Model.Config.Describe() + ";" + p.Options.Describe();
}
