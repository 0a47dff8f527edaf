using DaClip.MLNet.Scoring;
using DaClip.MLNet.Training.Network;
using DaClip.MLNet.Training.ZeroShot;
using TorchSharp;

namespace DaClip.MLNet.Training.Export;

/// <summary>
/// Writes a trained <see cref="DaClipNetwork"/> as one ONNX graph (METHOD §1–§5) that ONNX Runtime runs without
/// TorchSharp: input <c>pixels</c> float32 [N, 3, S, S], RGB in [0, 1]; outputs <c>score</c> [N],
/// <c>predicted_label</c> bool [N], <c>anomaly_map</c> [N, 1, S, S], <c>global_prob</c> [N] and <c>patch_map</c>
/// [N, 1, g, g] (<see cref="DaClipModelTensors"/>), with the batch dimension dynamic. The text side depends on no
/// image, so T_g and T_l are computed once here and stored as constants; the DAR refinement runs per image inside the
/// graph. The training-free baseline (<see cref="ZeroShotNetwork"/>) exports through the same tower and head with
/// its prompt-ensemble text as a constant. The model describes itself by its <see cref="DaClipModelContract"/> (written here, read and checked by the scorer, the transformer, the CLI and the server).
/// docs/onnx-export.md describes the graph, the precision policy and the measurements.
/// </summary>
internal static class DaClipOnnxExporter
{
    /// <summary>Builds the graph from the network's current weights (the builder can still be inspected or extended).</summary>
    /// <exception cref="DaClipException">An option is out of range.</exception>
    public static OnnxModelBuilder Build(DaClipNetwork net, DaClipExportOptions? o = null)
    {
        ArgumentNullException.ThrowIfNull(net);
        return Build(ExportedNetwork.Of(net), o, DaClipModelContract.MethodDaClip, "DA-CLIP zero-shot anomaly detector", (w, patchFeatures, global, threshold) =>
        {
            var g = w.Graph;
            using var text = net.EncodeText();
            var textLocal = w.Float("text.T_l", text.Local);
            var textGlobal = w.Float("text.T_g", text.Global);
            if (net.Dar is { } dar)
            {
                g.NodeNamePrefix = "dar/";
                var vbar = g.ReduceMean(patchFeatures, [1], keepDims: false);
                var (local, globalRefined) = DarGraph.Emit(w, dar, vbar, textLocal, textGlobal, net.Grid * net.Grid, o?.ScanForm ?? DarScanForm.Parallel);
                MapHeadGraph.Emit(w, ExportedNetwork.Of(net), patchFeatures, global, local, globalRefined, perImageText: true, threshold);
            }
            else
            {
                MapHeadGraph.Emit(w, ExportedNetwork.Of(net), patchFeatures, global, textLocal, textGlobal, perImageText: false, threshold);
            }
        });
    }

    /// <summary>
    /// Builds the graph of the training-free baseline: the same vision tower and map head as DA-CLIP, with the prompt
    /// ensemble's text features <c>[t_n, t_a]</c> as one constant serving the image and the pixel level (no DAR).
    /// </summary>
    /// <exception cref="DaClipException">An option is out of range.</exception>
    public static OnnxModelBuilder Build(ZeroShotNetwork net, DaClipExportOptions? o = null)
    {
        ArgumentNullException.ThrowIfNull(net);
        var source = ExportedNetwork.Of(net);
        return Build(source, o, DaClipModelContract.MethodZeroShot, "Training-free CLIP anomaly detector (compositional prompt ensemble)", (w, patchFeatures, global, threshold) =>
        {
            var text = w.Float("text.T", net.TextFeatures);
            MapHeadGraph.Emit(w, source, patchFeatures, global, text, text, perImageText: false, threshold);
        });
    }

    private static OnnxModelBuilder Build(ExportedNetwork net, DaClipExportOptions? o, string method, string title, Action<DaClipGraphWriter, string, string, float> emitHead)
    {
        o ??= new DaClipExportOptions();
        o.Validate();
        var options = net.Options;
        // The options only seed the threshold: from here on the model (its contract) is its one home.
        float threshold = (float)(o.Threshold ?? options.Threshold);
        int size = options.ImageSize;

        var model = new OnnxModelBuilder("daclip", o.Opset)
        {
            DocString = $"{title} ({net.Clip.Config.ArchitectureName}, S = {size}, {o.Precision}). " +
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
            emitHead(w, patchFeatures, global, threshold);
            model.Graph.NodeNamePrefix = "";
        }

        var contract = new DaClipModelContract
        {
            LibraryVersion = typeof(DaClipModelOptions).Assembly.GetName().Version?.ToString(3) ?? "0.0.0",
            ImageSize = size,
            Fit = o.Fit,
            Threshold = threshold,
            PatchGrid = net.Grid,
            Backbone = net.Clip.Config.ArchitectureName,
            BackboneFingerprint = Training.BackboneFingerprint.Of(net.Clip),
            Method = method,
            Precision = o.Precision.ToString(),
            Int8Form = o.Precision == OnnxPrecision.Int8 ? o.Int8Form.ToString() : null,
            NetworkOptions = options,
        };
        foreach (var (key, value) in contract.ToMetadata()) model.SetMetadata(key, value);
        return model;
    }

    /// <summary>The serialised model with every tensor inline (models under 1.9 GiB; larger ones need <see cref="Export(DaClipNetwork, string, DaClipExportOptions?)"/>).</summary>
    /// <exception cref="OnnxGraphException">The weights are too large for one protobuf message.</exception>
    public static byte[] ExportToBytes(DaClipNetwork net, DaClipExportOptions? o = null) => Build(net, o).ToBytes();

    /// <summary>The serialised training-free baseline with every tensor inline (see <see cref="Build(ZeroShotNetwork, DaClipExportOptions?)"/>).</summary>
    /// <exception cref="OnnxGraphException">The weights are too large for one protobuf message.</exception>
    public static byte[] ExportToBytes(ZeroShotNetwork net, DaClipExportOptions? o = null) => Build(net, o).ToBytes();

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

    /// <summary>Writes the training-free baseline to <paramref name="path"/> atomically, like <see cref="Export(DaClipNetwork, string, DaClipExportOptions?)"/>.</summary>
    public static void Export(ZeroShotNetwork net, string path, DaClipExportOptions? o = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        o ??= new DaClipExportOptions();
        Build(net, o).Save(path, new OnnxSaveOptions { ExternalDataThresholdBytes = o.ExternalDataThresholdBytes });
    }
}
