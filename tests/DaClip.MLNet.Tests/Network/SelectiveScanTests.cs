using DaClip.MLNet.Tests.Infrastructure;
using DaClip.MLNet.Training.Network;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using static TorchSharp.torch;

namespace DaClip.MLNet.Tests.Network;

/// <summary>The chunked scan equals the sequential reference (values and gradients) for any length and chunk size.</summary>
[TestClass]
public sealed class SelectiveScanTests
{
    private static (Tensor U, Tensor Dt, Tensor A, Tensor B, Tensor C, Tensor D) Inputs(long batch, long length, long e, long n, long seed)
    {
        var g = new Generator((ulong)seed, torch.CPU);
        var u = torch.randn(batch, length, e, generator: g);
        var dt = nn.functional.softplus(torch.randn(batch, length, e, generator: g) - 1);
        var a = -torch.exp(torch.log(torch.arange(1, n + 1, dtype: ScalarType.Float32)).repeat(e, 1) + 0.1f * torch.randn(e, n, generator: g));
        var b = torch.randn(batch, length, n, generator: g);
        var c = torch.randn(batch, length, n, generator: g);
        var d = torch.ones(e) + 0.1f * torch.randn(e, generator: g);
        return (u, dt, a, b, c, d);
    }

    [TestMethod]
    [DataRow(1, 1, 0)]
    [DataRow(2, 20, 0)]
    [DataRow(2, 20, 7)]
    [DataRow(1, 50, 16)]
    [DataRow(3, 260, 0)]
    [DataRow(1, 97, 1)]
    [DataRow(1, 97, 200)]
    public void Chunked_matches_sequential_values(int batch, int length, int chunk)
    {
        using var scope = torch.NewDisposeScope();
        var (u, dt, a, b, c, d) = Inputs(batch, length, 12, 16, 100 + length);
        var (ys, hs) = SelectiveScan.Sequential(u, dt, a, b, c, d);
        var (yc, hc) = SelectiveScan.Chunked(u, dt, a, b, c, d, chunk);
        Assert.IsTrue(Tolerance.MaxAbs(FixtureTensors.Values(yc), FixtureTensors.Values(ys)) <= 1e-5, "y");
        Assert.IsTrue(Tolerance.MaxAbs(FixtureTensors.Values(hc), FixtureTensors.Values(hs)) <= 1e-5, "h_last");
    }

    [TestMethod]
    public void Chunked_matches_sequential_gradients()
    {
        using var scope = torch.NewDisposeScope();
        var grads = new List<float[]>[2];
        for (int form = 0; form < 2; form++)
        {
            var (u, dt, a, b, c, d) = Inputs(2, 45, 8, 16, 7);
            foreach (var t in new[] { u, dt, a, b, c, d }) t.requires_grad = true;
            var (y, h) = form == 0 ? SelectiveScan.Sequential(u, dt, a, b, c, d) : SelectiveScan.Chunked(u, dt, a, b, c, d, 6);
            ((y * y).sum() + h.sum()).backward();
            grads[form] = [.. new[] { u, dt, a, b, c, d }.Select(t => FixtureTensors.Values(t.grad!))];
        }
        for (int i = 0; i < grads[0].Count; i++)
        {
            double scale = Math.Max(1, grads[0][i].Max(Math.Abs));
            Assert.IsTrue(Tolerance.MaxAbs(grads[1][i], grads[0][i]) <= 1e-5 * scale, $"gradient {i}: {Tolerance.MaxAbs(grads[1][i], grads[0][i])} (scale {scale})");
        }
    }
}
