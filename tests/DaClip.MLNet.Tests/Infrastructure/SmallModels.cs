using DaClip.MLNet.Training.Clip;
using DaClip.MLNet.Training.Network;
using DaClip.MLNet.Training;
using TorchSharp;

namespace DaClip.MLNet.Tests.Infrastructure;

/// <summary>Small random backbones and toy data for fast training tests (no fixtures needed).</summary>
internal static class SmallModels
{
    /// <summary>A 2-layer CLIP with 64-wide towers and 32×32 inputs (grid 4×4).</summary>
    public static ClipConfig Config { get; } = new(EmbedDim: 16, ImageResolution: 32, VisionLayers: 2, VisionWidth: 64, VisionPatchSize: 8,
        ContextLength: 77, VocabSize: 64, TransformerWidth: 64, TransformerLayers: 2);

    /// <summary>A seeded random backbone.</summary>
    public static ClipModel Backbone(int seed = 7, ClipConfig? config = null)
    {
        var model = new ClipModel(config ?? Config, seed);
        model.eval();
        return model;
    }

    /// <summary>Word ids from a fixed toy vocabulary (each word → 1 + its index in a sorted word list, mod 60).</summary>
    public static PromptBank Prompts(DaClipModelOptions options)
    {
        var words = options.Prompts().SelectMany(p => p.Replace(".", " .").Split(' ', StringSplitOptions.RemoveEmptyEntries)).Distinct().Order(StringComparer.Ordinal).ToList();
        int[] Encode(string text) => text.Replace(".", " .").Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w => 1 + words.IndexOf(w) % 60).ToArray();
        return PromptBank.Create(options, Encode, sotId: 62, eotId: 63, contextLength: 77);
    }

    /// <summary>Options for the small backbone at S = 32.</summary>
    public static DaClipModelOptions Options { get; } = new() { ImageSize = 32 };

    /// <summary>
    /// Toy data: noisy grey textures; anomalous ones carry a bright square whose mask is exact.
    /// Every fourth anomalous image has no mask when <paramref name="dropSomeMasks"/>.
    /// </summary>
    public static InMemoryTrainingSet ToyData(int count, int seed, int side = 32, bool dropSomeMasks = false)
    {
        var rng = new Random(seed);
        var list = new List<TrainingExample>();
        for (int i = 0; i < count; i++)
        {
            var px = new float[3 * side * side];
            for (int j = 0; j < px.Length; j++) px[j] = 0.4f + 0.2f * (float)rng.NextDouble();
            bool anomalous = i % 2 == 1;
            byte[]? mask = null;
            if (anomalous)
            {
                mask = new byte[side * side];
                int s = side / 4, x0 = rng.Next(side - s), y0 = rng.Next(side - s);
                for (int y = y0; y < y0 + s; y++)
                    for (int x = x0; x < x0 + s; x++)
                    {
                        mask[y * side + x] = 1;
                        for (int c = 0; c < 3; c++) px[c * side * side + y * side + x] = c == 0 ? 0.95f : 0.1f;
                    }
                if (dropSomeMasks && i % 4 == 3) mask = null;
            }
            list.Add(new TrainingExample(px, mask, anomalous));
        }
        return new InMemoryTrainingSet(list);
    }
}
