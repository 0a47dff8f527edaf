using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

// Usage: DaClip.MLNet.LoadCheck <model.zip> <image list file> <output file>
// Loads the model with a fresh MLContext (no assembly registration: ML.NET finds DaClip.MLNet's custom mappings by the
// assembly name stored in the zip), scores one image path per line of the list, and writes per image one line:
// score (round-trip), predicted label, then every anomaly-map value (round-trip), separated by spaces.
if (args.Length != 3)
{
    Console.Error.WriteLine("usage: DaClip.MLNet.LoadCheck <model.zip> <image list file> <output file>");
    return 2;
}
var ml = new MLContext();
var model = ml.Model.Load(args[0], out _);
var rows = File.ReadAllLines(args[1]).Where(l => l.Length > 0).Select(p => new ImageInput { Image = p }).ToList();
var scored = model.Transform(ml.Data.LoadFromEnumerable(rows));
var scores = scored.GetColumn<float>("Score").ToArray();
var labels = scored.GetColumn<bool>("PredictedLabel").ToArray();
var maps = scored.GetColumn<float[]>("AnomalyMap").ToArray();
var lines = scores.Select((s, i) => string.Join(' ',
    new[] { s.ToString("R", CultureInfo.InvariantCulture), labels[i] ? "1" : "0" }.Concat(maps[i].Select(v => v.ToString("R", CultureInfo.InvariantCulture)))));
File.WriteAllLines(args[2], lines);
(model as IDisposable)?.Dispose();
return 0;

/// <summary>The image column the model reads.</summary>
internal sealed class ImageInput
{
    public string Image { get; set; } = "";
}
