using System.Globalization;
using DaClip.MLNet.Scoring;
using DaClip.MLNet.Training.Network;
using TorchSharp;

namespace DaClip.MLNet.Training.Export;

/// <summary>
/// Writes a trained <see cref="DaClipNetwork"/> as one ONNX graph (METHOD §1–§5) that ONNX Runtime runs without
/// TorchSharp: input <c>pixels</c> float32 [N, 3, S, S], RGB in [0, 1]; outputs <c>score</c> [N],
/// <c>predicted_label</c> bool [N], <c>anomaly_map</c> [N, 1, S, S], <c>global_prob</c> [N] and <c>patch_map</c>
/// [N, 1, g, g] (<see cref="DaClipModelTensors"/>), with the batch dimension dynamic. The text side depends on no
/// image, so T_g and T_l are computed once here and stored as constants; the DAR refinement runs per image inside the
/// graph. The model carries the <see cref="DaClipModelMetadata"/> keys that <see cref="DaClipOnnxScorer"/> checks.
/// docs/onnx-export.md describes the graph, the precision policy and the measurements.
/// </summary>
public static class DaClipOnnxExporter
{
    /// <summary>Builds the graph from the network's current weights (the builder can still be inspected or extended).</summary>
    /// <exception cref="DaClipException">An option is out of range.</exception>
    public static OnnxModelBuilder Build(DaClipNetwork net, DaClipExportOptions? o = null)
    {
        ArgumentNullException.ThrowIfNull(net);
        o ??= new DaClipExportOptions();
        o.Validate();
        var options = net.Options;
        float threshold = (float)(o.Threshold ?? options.Threshold);
        int size = options.ImageSize;

        var model = new OnnxModelBuilder("daclip", o.Opset)
        {
            DocString = $"DA-CLIP zero-shot anomaly detector ({net.Clip.Config.ArchitectureName}, S = {size}, {o.Precision}). " +
                        $"Input '{DaClipModelTensors.Pixels}': float32 [N, 3, {size}, {size}] RGB in [0, 1] (CLIP normalisation is inside the graph).",
        };
        bool contribInt8 = o.Precision == OnnxPrecision.Int8 && o.Int8Form != Int8MatMulForm.MatMulInteger;
        if (o.FusedAttention || contribInt8) model.AddOpsetImport(AttentionGraph.MicrosoftDomain, 1);
        var w = new DaClipGraphWriter(model.Graph, o.Precision, o.Int8Form);
        using (torch.no_grad())
        using (var scope = torch.NewDisposeScope())
        {
            var pixels = model.Graph.AddInput(DaClipModelTensors.Pixels, OnnxElementType.Float, ["N", 3, size, size]);
            w.SetBatchFrom(pixels);
            var (patchFeatures, global) = VisionTowerGraph.Emit(w, net, pixels, o.FusedAttention);
            using var text = net.EncodeText();
            var textLocal = w.Float("text.T_l", text.Local);
            var textGlobal = w.Float("text.T_g", text.Global);
            if (net.Dar is { } dar)
            {
                model.Graph.NodeNamePrefix = "dar/";
                var vbar = model.Graph.ReduceMean(patchFeatures, [1], keepDims: false);
                var (local, globalRefined) = DarGraph.Emit(w, dar, vbar, textLocal, textGlobal, net.Grid * net.Grid, o.ScanForm);
                MapHeadGraph.Emit(w, net, patchFeatures, global, local, globalRefined, perImageText: true, threshold);
            }
            else
            {
                MapHeadGraph.Emit(w, net, patchFeatures, global, textLocal, textGlobal, perImageText: false, threshold);
            }
            model.Graph.NodeNamePrefix = "";
        }

        string Invariant(IFormattable v) => v.ToString(null, CultureInfo.InvariantCulture);
        model.SetMetadata(DaClipModelMetadata.Format, DaClipModelMetadata.FormatName);
        model.SetMetadata(DaClipModelMetadata.FormatVersion, Invariant(DaClipModelMetadata.CurrentFormatVersion));
        model.SetMetadata(DaClipModelMetadata.Version, typeof(DaClipModelOptions).Assembly.GetName().Version?.ToString(3) ?? "0.0.0");
        model.SetMetadata(DaClipModelMetadata.ImageSize, Invariant(size));
        model.SetMetadata(DaClipModelMetadata.ImageFit, o.Fit.ToString());
        model.SetMetadata(DaClipModelMetadata.PatchGrid, Invariant(net.Grid));
        model.SetMetadata(DaClipModelMetadata.Backbone, net.Clip.Config.ArchitectureName);
        model.SetMetadata(DaClipModelMetadata.OptionsJson, (options with { Threshold = o.Threshold ?? options.Threshold }).ToJson());
        model.SetMetadata(DaClipModelMetadata.Threshold, threshold.ToString("R", CultureInfo.InvariantCulture));
        model.SetMetadata(DaClipModelMetadata.Precision, o.Precision.ToString());
        if (o.Precision == OnnxPrecision.Int8) model.SetMetadata(DaClipModelMetadata.Int8Form, o.Int8Form.ToString());
        return model;
    }

    /// <summary>The serialised model with every tensor inline (models under 1.9 GiB; larger ones need <see cref="Export"/>).</summary>
    /// <exception cref="OnnxGraphException">The weights are too large for one protobuf message.</exception>
    public static byte[] ExportToBytes(DaClipNetwork net, DaClipExportOptions? o = null) => Build(net, o).ToBytes();

    /// <summary>
    /// Writes the model to <paramref name="path"/> atomically: an existing file is replaced only by a complete new one.
    /// Weights beyond <see cref="DaClipExportOptions.ExternalDataThresholdBytes"/> go to <c>&lt;path&gt;.data</c> beside
    /// it (ONNX external data); keep the two files together.
    /// </summary>
    public static void Export(DaClipNetwork net, string path, DaClipExportOptions? o = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        o ??= new DaClipExportOptions();
        Build(net, o).Save(path, new OnnxSaveOptions { ExternalDataThresholdBytes = o.ExternalDataThresholdBytes });
    }
}
