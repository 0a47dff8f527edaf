using System.CommandLine;
using System.Text.Json;
using DaClip.Cli.Common;
using DaClip.MLNet.Training.Clip;

namespace DaClip.Cli.Commands;

/// <summary><c>daclip inspect-weights FILE</c>: format, architecture (by OpenAI's name) and sizes of a CLIP checkpoint.</summary>
internal static class InspectWeightsCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "An OpenAI CLIP checkpoint: TorchScript .pt, torch.save .pt/.bin, or .safetensors (OpenAI or Hugging Face names)." };
        var json = new Option<bool>("--json") { Description = "Print machine-readable JSON." };
        var command = new Command("inspect-weights", "Show the format and inferred architecture of a CLIP checkpoint.") { file, json };
        command.SetAction((parse, _) => VerbRunner.RunAsync("inspect-weights", parse.InvocationConfiguration.Error, () =>
        {
            var path = parse.GetValue(file)!.FullName;
            var info = ClipCheckpoint.Inspect(path);
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    path = info.Path,
                    format = info.Format.ToString(),
                    huggingFaceNames = info.HuggingFaceNames,
                    architecture = info.Config.ArchitectureName,
                    config = info.Config,
                    visionHeads = info.Config.VisionHeads,
                    transformerHeads = info.Config.TransformerHeads,
                    tensors = info.TensorCount,
                    parameters = info.ParameterCount,
                    sourceDTypes = info.SourceDTypes,
                    skippedKeys = info.SkippedKeys,
                }, new JsonSerializerOptions { WriteIndented = true }));
            }
            else
            {
                Console.WriteLine($"File:          {info.Path}");
                Console.WriteLine($"Format:        {info.Format}{(info.HuggingFaceNames ? " (Hugging Face key names, mapped)" : "")}");
                Console.WriteLine($"Architecture:  {info.Config.Describe()}");
                Console.WriteLine($"Tensors:       {info.TensorCount} ({info.ParameterCount:N0} parameters)");
                Console.WriteLine($"Stored dtypes: {string.Join(", ", info.SourceDTypes.Select(kv => $"{kv.Key} x{kv.Value}"))}");
                if (info.SkippedKeys.Count > 0) Console.WriteLine($"Skipped:       {string.Join(", ", info.SkippedKeys)} (not weights)");
            }
            return 0;
        }));
        return command;
    }
}
