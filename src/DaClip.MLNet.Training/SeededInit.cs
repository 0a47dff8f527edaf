using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DaClip.MLNet.Training;

/// <summary>
/// Parameter initialisation from an explicit <see cref="Generator"/>, so that a seed fixes the weights even when other
/// threads use TorchSharp's global random generator. The rules are PyTorch's defaults where METHOD.md says so.
/// </summary>
internal static class SeededInit
{
    /// <summary>A CPU generator for <paramref name="seed"/>.</summary>
    public static Generator Generator(long seed) => new((ulong)seed, torch.CPU);

    // TorchSharp 0.107's nn.init.normal_/uniform_ ignore their generator argument; torch.randn/rand honour it.

    /// <summary>Fills <paramref name="p"/> with N(0, std²).</summary>
    public static void Normal(Tensor p, double std, Generator g)
    {
        using var _ = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        p.copy_(torch.randn(p.shape, generator: g) * std);
    }

    /// <summary>Fills <paramref name="p"/> with U(-bound, bound).</summary>
    public static void Uniform(Tensor p, double bound, Generator g)
    {
        using var _ = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        p.copy_((torch.rand(p.shape, generator: g) * 2 - 1) * bound);
    }

    /// <summary>Fills <paramref name="p"/> with a constant.</summary>
    public static void Constant(Tensor p, double value)
    {
        using var _ = torch.no_grad();
        p.fill_(value);
    }

    /// <summary>PyTorch's default for <c>nn.Linear</c>: weight and bias U(±1/√fan_in).</summary>
    public static void LinearDefault(Linear linear, Generator g)
    {
        double bound = 1 / Math.Sqrt(linear.weight!.shape[1]);
        Uniform(linear.weight, bound, g);
        if (linear.bias is not null) Uniform(linear.bias, bound, g);
    }

    /// <summary>PyTorch's default for convolutions: weight and bias U(±1/√fan_in), fan_in = in/groups · kernel.</summary>
    public static void ConvDefault(Tensor weight, Tensor? bias, Generator g)
    {
        long fanIn = weight.shape.Skip(1).Aggregate(1L, (a, b) => a * b);
        double bound = 1 / Math.Sqrt(fanIn);
        Uniform(weight, bound, g);
        if (bias is not null) Uniform(bias, bound, g);
    }

    /// <summary>PyTorch's default for <c>nn.LayerNorm</c>: weight 1, bias 0.</summary>
    public static void LayerNormDefault(LayerNorm norm)
    {
        Constant(norm.weight!, 1);
        Constant(norm.bias!, 0);
    }
}
