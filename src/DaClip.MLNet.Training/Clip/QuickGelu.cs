using TorchSharp;
using static TorchSharp.torch;

namespace DaClip.MLNet.Training.Clip;

/// <summary>The GELU approximation OpenAI's CLIP checkpoints were trained with: <c>x * sigmoid(1.702 x)</c>.</summary>
internal sealed class QuickGelu : nn.Module<Tensor, Tensor>
{
    /// <summary>Creates the activation.</summary>
    public QuickGelu() : base(nameof(QuickGelu)) { }

    /// <inheritdoc />
    public override Tensor forward(Tensor x) => x * torch.sigmoid(1.702f * x);
}
