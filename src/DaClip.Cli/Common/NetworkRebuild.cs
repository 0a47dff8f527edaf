using System.Globalization;
using DaClip.MLNet;
using DaClip.MLNet.Scoring;
using DaClip.MLNet.Training.Clip;
using DaClip.MLNet.Training.Network;
using DaClip.MLNet.Training;
using TorchSharp;

namespace DaClip.Cli.Common;

/// <summary>
/// The trained DA-CLIP network of a saved model, rebuilt in TorchSharp from its backbone and training checkpoint (for
/// exports the zip's ONNX model cannot give, e.g. float16). Before it is handed out, it is checked to be the zip's
/// network: same options, and the same score as the zip's ONNX model on a fixed test pattern.
/// </summary>
internal sealed class NetworkRebuild : IDisposable
{
    /// <summary>Largest score difference between the rebuilt network and the zip's float32 ONNX model on the test pattern.</summary>
    private const float ScoreTolerance = 1e-3f;

    private readonly ClipBackbone _backbone;

    private NetworkRebuild(ClipBackbone backbone, DaClipNetwork network)
    {
        _backbone = backbone;
        Network = network;
    }

    /// <summary>The network, in eval mode, on the CPU.</summary>
    public DaClipNetwork Network { get; }

    /// <summary>Rebuilds the network of <paramref name="model"/> from <paramref name="backbone"/> and <paramref name="checkpoint"/>.</summary>
    /// <exception cref="CliUsageException">The checkpoint does not belong to the model.</exception>
    /// <exception cref="DaClipException">The checkpoint or backbone cannot be read, or the backbone is not the one trained on.</exception>
    public static NetworkRebuild Load(DaClipTransformer model, BackboneSource backbone, string checkpoint)
    {
        var info = DaClipCheckpoint.ReadInfo(checkpoint);
        // The model's contract records its network options without the threshold (the model's own), so they compare as they are.
        if (model.Contract.NetworkOptions is not null && !model.Contract.DescribesNetwork(info.ModelOptions))
        {
            throw new CliUsageException($"--checkpoint {checkpoint} holds a network with other options than the model (its daclip.options differ from the model's " +
                $"{DaClipModelMetadata.OptionsJson}): it belongs to another training run. Pass the checkpoint `daclip train` wrote for this model.");
        }
        var clip = ClipBackbone.Load(backbone.Backbone, backbone.VocabPath);
        DaClipNetwork? network = null;
        try
        {
            network = new DaClipNetwork(clip.Model, PromptBank.Create(info.ModelOptions, clip.Tokenizer, clip.Model.Config.ContextLength), info.ModelOptions);
            DaClipCheckpoint.Load(checkpoint, network);
            network.eval();
            var rebuild = new NetworkRebuild(clip, network);
            rebuild.CheckAgainst(model, checkpoint);
            return rebuild;
        }
        catch
        {
            network?.Dispose();
            clip.Dispose();
            throw;
        }
    }

    private void CheckAgainst(DaClipTransformer model, string checkpoint)
    {
        int s = Network.Options.ImageSize;
        var pixels = new float[3 * s * s];
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < s; y++)
                for (int x = 0; x < s; x++)
                    pixels[(c * s + y) * s + x] = 0.5f + 0.4f * MathF.Sin(0.37f * x * (c + 1) + 0.23f * y) * MathF.Cos(0.11f * (x - y));

        using var scorer = new DaClipOnnxScorer(model.GetOnnxModel(), new DaClipScorerOptions { Provider = ExecutionProvider.Cpu, Log = _ => { } });
        float expected = scorer.ScorePixels(pixels, 1)[0].Score;
        float actual;
        using (var input = torch.tensor(pixels, new long[] { 1, 3, s, s }))
        using (var prediction = Network.Predict(input))
            actual = prediction.Score.item<float>();
        if (!(MathF.Abs(actual - expected) <= ScoreTolerance))
            throw new CliUsageException(string.Create(CultureInfo.InvariantCulture,
                $"--checkpoint {checkpoint} does not reproduce the model: on a test pattern it scores {actual:G6}, the model {expected:G6}. It comes from another training run (or another backbone); pass the checkpoint `daclip train` wrote for this model."));
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Network.Dispose();
        _backbone.Dispose();
    }
}
