using DaClip.MLNet.Tests.Infrastructure;
using DaClip.MLNet.Tests.Network;
using DaClip.MLNet.Training.Export;
using DaClip.MLNet.Training.Network;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using static TorchSharp.torch;

namespace DaClip.MLNet.Tests.Export;

/// <summary>
/// The selective scan as graph nodes (both forms) against the TorchSharp reference recurrence
/// (<see cref="SelectiveScan.Sequential"/>) on long random sequences, and against the fixtures' standalone scan case.
/// </summary>
[TestClass]
public sealed class SelectiveScanGraphTests
{
    public TestContext TestContext { get; set; } = null!;

    /// <summary>Runs the graph on u, Δ [N, L, E], B, C [N, L, Ns]; returns y of the last <paramref name="tail"/> rows.</summary>
    private static float[] RunGraph(Tensor u, Tensor delta, Tensor a, Tensor b, Tensor c, Tensor d, int tail, DarScanForm form)
    {
        long n = u.shape[0], length = u.shape[1], e = u.shape[2], ns = a.shape[1];
        var model = new OnnxModelBuilder();
        var g = model.Graph;
        var w = new DaClipGraphWriter(g, OnnxPrecision.Float32);
        var ui = g.AddInput("u", OnnxElementType.Float, ["N", length, e]);
        var di = g.AddInput("delta", OnnxElementType.Float, ["N", length, e]);
        var bi = g.AddInput("b", OnnxElementType.Float, ["N", length, ns]);
        var ci = g.AddInput("c", OnnxElementType.Float, ["N", length, ns]);
        w.SetBatchFrom(ui);
        var y = SelectiveScanGraph.Emit(w, ui, di, bi, ci, w.Float("A", a), w.Float("D", d), (int)length - tail, tail, (int)e, (int)ns, form);
        g.AddOutput("y", OnnxElementType.Float, null, y);
        var outputs = OrtRunner.Run(model.ToBytes(),
            ("u", FixtureTensors.Values(u), [n, length, e]), ("delta", FixtureTensors.Values(delta), [n, length, e]),
            ("b", FixtureTensors.Values(b), [n, length, ns]), ("c", FixtureTensors.Values(c), [n, length, ns]));
        CollectionAssert.AreEqual(new[] { n, tail, e }, outputs["y"].Shape);
        return outputs["y"].Floats;
    }

    [TestMethod]
    public void Both_forms_match_the_reference_recurrence_on_a_long_sequence()
    {
        using var scope = torch.NewDisposeScope();
        var gen = new Generator().manual_seed(17);
        const int n = 2, length = 404, e = 24, ns = 16, tail = 4;
        var u = torch.randn(n, length, e, generator: gen);
        var delta = nn.functional.softplus(torch.randn(n, length, e, generator: gen) - 3);          // Δ > 0, about 0.05
        var a = -torch.exp(torch.log(torch.arange(1, ns + 1, dtype: ScalarType.Float32)).repeat(e, 1) + 0.1 * torch.randn(e, ns, generator: gen));
        var b = torch.randn(n, length, ns, generator: gen);
        var c = torch.randn(n, length, ns, generator: gen);
        var d = torch.ones(e);
        var (y, _) = SelectiveScan.Sequential(u, delta, a, b, c, d);
        var expected = FixtureTensors.Values(y.narrow(1, length - tail, tail));
        foreach (var form in Enum.GetValues<DarScanForm>())
        {
            var actual = RunGraph(u, delta, a, b, c, d, tail, form);
            double err = Tolerance.AssertClose(actual, expected, 2e-5, 1e-5, form.ToString());
            TestContext.WriteLine($"{form}: max abs {err:E2} (max |y| {expected.Max(Math.Abs):F2})");
        }
    }

    [TestMethod]
    public void Both_forms_reproduce_the_fixture_scan_case()
    {
        int sets = 0;
        foreach (var f in DaClipFixture.All())
        {
            using (f)
            using (var scope = torch.NewDisposeScope())
            {
                var yAll = f.Float("scan_y");
                int length = (int)yAll.shape[0], tail = 4;
                var expected = FixtureTensors.Values(yAll.narrow(0, length - tail, tail));
                foreach (var form in Enum.GetValues<DarScanForm>())
                {
                    var actual = RunGraph(f.Float("scan_u").unsqueeze(0), f.Float("scan_delta").unsqueeze(0), f.Float("scan_A"),
                        f.Float("scan_B").unsqueeze(0), f.Float("scan_C").unsqueeze(0), f.Float("scan_D"), tail, form);
                    double err = Tolerance.AssertClose(actual, expected, 1e-4, 1e-4, $"{f.Name} scan_y ({form})");
                    TestContext.WriteLine($"{f.Name} scan_y last {tail} rows ({form}): max abs {err:E2}");
                }
                sets++;
            }
        }
        Assert.IsGreaterThan(0, sets, "no daclip_* reference set found");
    }
}
