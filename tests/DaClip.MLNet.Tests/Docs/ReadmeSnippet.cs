// The README's ML.NET example, compiled (not run: it needs real weights and datasets). ReadmeSnippetTests checks that
// the README shows exactly these using directives and the lines between the markers below.
using DaClip.MLNet;
using DaClip.MLNet.Data;
using DaClip.MLNet.Training;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace DaClip.MLNet.Tests.Docs;

internal static class ReadmeSnippet
{
    internal static void Example()
    {
        // README-BEGIN
        var mlContext = new MLContext(seed: 1);
        IDataView train = AnomalyDatasets.Read(DatasetSpec.Parse("mvtec:/data/mvtec_ad")).ToDataView(mlContext);   // ImagePath, Class, Label, MaskPath
        IDataView test = AnomalyDatasets.Read(DatasetSpec.Parse("visa:/data/visa")).ToDataView(mlContext);
        var trainer = mlContext.AnomalyDetection.Trainers.DaClip(new DaClipOptions
        {
            Backbone = "ViT-L-14-336px.pt", VocabPath = "bpe_simple_vocab_16e6.txt.gz",    // or the built-in Backbone = "mini"
            ImageColumnName = "ImagePath", LabelColumnName = "Label", MaskColumnName = "MaskPath", ClassColumnName = "Class",
        });
        using DaClipTransformer model = trainer.Fit(train);          // trains with TorchSharp, exports one ONNX graph
        IDataView scored = model.Transform(test);                    // + Score, PredictedLabel, ScoreCentered, AnomalyMap (S×S)
        var pixel = mlContext.AnomalyDetection.EvaluateSegmentation(scored, labelColumnName: "Label", maskColumnName: "MaskPath", classColumnName: "Class");
        Console.WriteLine($"image AUROC {pixel.Mean.ImageAuroc:P1}, pixel AUROC {pixel.Mean.PixelAuroc:P1}, PRO {pixel.Mean.PixelAuproExact:P1}");
        model.Save("model.zip", train.Schema);                      // reloads and scores without TorchSharp
        // README-END
    }
}
