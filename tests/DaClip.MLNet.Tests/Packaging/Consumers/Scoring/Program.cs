// A scoring-only application as a user writes it: references the DaClip.MLNet package and the CPU ONNX Runtime
// package, nothing else. Usage: Scoring <model.zip> <image list file>; prints "<score> <label>" per image.
using System.Globalization;
using DaClip.MLNet;
using Microsoft.ML;
using Microsoft.ML.Data;

var ml = new MLContext();
using var model = DaClipTransformer.Load(ml, args[0]);
var rows = File.ReadAllLines(args[1]).Where(l => l.Length > 0).Select(p => new ImageInput { Image = p }).ToList();
var scored = model.Transform(ml.Data.LoadFromEnumerable(rows));
var scores = scored.GetColumn<float>("Score").ToArray();
var labels = scored.GetColumn<bool>("PredictedLabel").ToArray();
for (int i = 0; i < scores.Length; i++)
    Console.WriteLine($"{scores[i].ToString("R", CultureInfo.InvariantCulture)} {(labels[i] ? 1 : 0)}");

/// <summary>The image column the model reads.</summary>
internal sealed class ImageInput
{
    public string Image { get; set; } = "";
}
