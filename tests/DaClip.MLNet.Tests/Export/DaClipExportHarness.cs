using DaClip.MLNet.Scoring;
using DaClip.MLNet.Tests.Infrastructure;
using DaClip.MLNet.Training.Clip;
using DaClip.MLNet.Training.Network;
using DaClip.MLNet.Training;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;

namespace DaClip.MLNet.Tests.Export;

/// <summary>The five outputs of a DA-CLIP model (or of the TorchSharp reference), flattened.</summary>
public sealed record DaClipOutputsFlat(float[] Score, bool[] Label, float[] AnomalyMap, float[] GlobalProb, float[] PatchMap)
{
    /// <summary>Largest |difference| per output: score, anomaly_map, global_prob, patch_map.</summary>
    public (double Score, double AnomalyMap, double GlobalProb, double PatchMap) MaxAbs(DaClipOutputsFlat other) =>
        (Tolerance.MaxAbs(Score, other.Score), Tolerance.MaxAbs(AnomalyMap, other.AnomalyMap),
         Tolerance.MaxAbs(GlobalProb, other.GlobalProb), Tolerance.MaxAbs(PatchMap, other.PatchMap));
}

/// <summary>Runs exported models on ONNX Runtime and the TorchSharp reference on the same pixels.</summary>
internal static class DaClipExportHarness
{
    /// <summary>Seeded pixels in [0, 1], [n, 3, s, s].</summary>
    public static float[] Pixels(int n, int size, int seed)
    {
        var rng = new Random(seed);
        var px = new float[n * 3 * size * size];
        for (int i = 0; i < px.Length; i++) px[i] = (float)rng.NextDouble();
        return px;
    }

    /// <summary>Runs the model once on ORT's CPU provider with the given optimisation level; checks every output's shape.</summary>
    public static DaClipOutputsFlat Run(byte[] model, float[] pixels, int n, int size, GraphOptimizationLevel level = GraphOptimizationLevel.ORT_ENABLE_ALL)
    {
        using var options = new SessionOptions { GraphOptimizationLevel = level, IntraOpNumThreads = 1, LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        using var session = new InferenceSession(model, options);
        return Run(session, pixels, n, size);
    }

    /// <summary>Runs an open session.</summary>
    public static DaClipOutputsFlat Run(InferenceSession session, float[] pixels, int n, int size)
    {
        using var input = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, TensorElementType.Float, [n, 3, size, size]);
        pixels.CopyTo(input.GetTensorMutableDataAsSpan<float>());
        using var runOptions = new RunOptions();
        using var r = session.Run(runOptions, [DaClipModelTensors.Pixels], [input], DaClipModelTensors.Outputs);
        long grid = r[4].GetTensorTypeAndShape().Shape[2];
        CollectionAssert.AreEqual(new long[] { n }, r[0].GetTensorTypeAndShape().Shape, "score shape");
        CollectionAssert.AreEqual(new long[] { n }, r[1].GetTensorTypeAndShape().Shape, "predicted_label shape");
        CollectionAssert.AreEqual(new long[] { n, 1, size, size }, r[2].GetTensorTypeAndShape().Shape, "anomaly_map shape");
        CollectionAssert.AreEqual(new long[] { n }, r[3].GetTensorTypeAndShape().Shape, "global_prob shape");
        CollectionAssert.AreEqual(new long[] { n, 1, grid, grid }, r[4].GetTensorTypeAndShape().Shape, "patch_map shape");
        return new DaClipOutputsFlat(r[0].GetTensorDataAsSpan<float>().ToArray(), r[1].GetTensorDataAsSpan<bool>().ToArray(),
            r[2].GetTensorDataAsSpan<float>().ToArray(), r[3].GetTensorDataAsSpan<float>().ToArray(), r[4].GetTensorDataAsSpan<float>().ToArray());
    }

    /// <summary><see cref="DaClipNetwork.Predict"/> on the same pixels, labels from the given threshold.</summary>
    public static DaClipOutputsFlat Reference(DaClipNetwork net, float[] pixels, int n, double threshold)
    {
        int s = net.Options.ImageSize;
        using var scope = torch.NewDisposeScope();
        using var p = net.Predict(torch.tensor(pixels, [n, 3, s, s]));
        var score = FixtureTensors.Values(p.Score);
        return new DaClipOutputsFlat(score, score.Select(v => v > (float)threshold).ToArray(), FixtureTensors.Values(p.AnomalyMap),
            FixtureTensors.Values(p.GlobalProbability), FixtureTensors.Values(p.PatchMap));
    }

    /// <summary>Asserts every float output within <paramref name="abs"/> and equal labels; returns the max deviations.</summary>
    public static (double Score, double AnomalyMap, double GlobalProb, double PatchMap) AssertClose(DaClipOutputsFlat actual, DaClipOutputsFlat expected, double abs, string what)
    {
        Tolerance.AssertClose(actual.Score, expected.Score, abs, 0, $"{what}: score");
        Tolerance.AssertClose(actual.AnomalyMap, expected.AnomalyMap, abs, 0, $"{what}: anomaly_map");
        Tolerance.AssertClose(actual.GlobalProb, expected.GlobalProb, abs, 0, $"{what}: global_prob");
        Tolerance.AssertClose(actual.PatchMap, expected.PatchMap, abs, 0, $"{what}: patch_map");
        CollectionAssert.AreEqual(expected.Label, actual.Label, $"{what}: predicted_label");
        return actual.MaxAbs(expected);
    }

    /// <summary>
    /// The small backbone's network trained for two Adam steps (adapters, slots and DAR non-trivial), then with the
    /// gammas raised to 0.5 so that the DAR's refinement moves the maps far beyond the parity tolerance.
    /// </summary>
    public static DaClipNetwork TrainedSmallNetwork(DaClipModelOptions? options = null, ClipConfig? config = null)
    {
        var o = options ?? SmallModels.Options;
        var trainer = DaClipTrainer.Create(SmallModels.Backbone(config: config), SmallModels.Prompts(o), o,
            new DaClipTrainingOptions { Epochs = 1, BatchSize = 4, Seed = 5, FeatureCache = FeatureCacheMode.Memory });
        trainer.Train(SmallModels.ToyData(8, seed: 4, side: o.ImageSize));
        var net = trainer.Network;
        using (torch.no_grad())
        {
            foreach (var (name, p) in net.named_parameters())
                if (name is "dar.gamma_s" or "dar.gamma_a") p.fill_(0.5f);
        }
        return net;
    }
}
