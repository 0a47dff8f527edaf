using DaClip.MLNet.Tests.Infrastructure;
using DaClip.MLNet.Training.Export;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Export;

/// <summary>Small graphs built with <see cref="OnnxModelBuilder"/>, run in ONNX Runtime (CPU) and compared with plain C#.</summary>
[TestClass]
public class OnnxGraphBuilderTests
{
    private const double Tol = 1e-5;

    private static float[] Random(int seed, int n, double scale = 1.0)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)((rng.NextDouble() * 2 - 1) * scale)).ToArray();
    }

    [TestMethod]
    public void LayerNormMatMulSoftmaxMatchesCSharp()
    {
        const int n = 3, d = 5, k = 4;
        var x = Random(1, n * d, 2);
        var gamma = Random(2, d);
        var beta = Random(3, d);
        var w = Random(4, d * k);
        var bias = Random(5, k);

        var model = new OnnxModelBuilder();
        var g = model.Graph;
        var input = g.AddInput("x", OnnxElementType.Float, ["N", d]);
        var ln = g.LayerNormalization(input, g.AddInitializer("gamma", gamma, d), g.AddInitializer("beta", beta, d), epsilon: 1e-5f);
        var logits = g.Add(g.MatMul(ln, g.AddInitializer("w", w, d, k)), g.AddInitializer("b", bias, k));
        g.AddOutput("probs", OnnxElementType.Float, ["N", k], g.Softmax(logits));
        var result = OrtRunner.Run(model.ToBytes(), ("x", x, [n, d]))["probs"];

        var expected = new float[n * k];
        for (int r = 0; r < n; r++)
        {
            double mean = 0, var = 0;
            for (int j = 0; j < d; j++) mean += x[r * d + j];
            mean /= d;
            for (int j = 0; j < d; j++) var += Math.Pow(x[r * d + j] - mean, 2);
            var /= d;
            var normed = new double[d];
            for (int j = 0; j < d; j++) normed[j] = (x[r * d + j] - mean) / Math.Sqrt(var + 1e-5) * gamma[j] + beta[j];
            var z = new double[k];
            for (int c = 0; c < k; c++)
            {
                z[c] = bias[c];
                for (int j = 0; j < d; j++) z[c] += normed[j] * w[j * k + c];
            }
            double max = z.Max(), sum = z.Sum(v => Math.Exp(v - max));
            for (int c = 0; c < k; c++) expected[r * k + c] = (float)(Math.Exp(z[c] - max) / sum);
        }
        CollectionAssert.AreEqual(new long[] { n, k }, result.Shape);
        Tolerance.AssertClose(result.Floats, expected, Tol, Tol, "softmax(LN(x) W + b)");
    }

    [TestMethod]
    public void ConvWithStridePaddingAndBiasMatchesBruteForce()
    {
        const int cin = 2, cout = 3, h = 6, wd = 5, kh = 3, kw = 3, stride = 2, pad = 1;
        var x = Random(10, cin * h * wd);
        var w = Random(11, cout * cin * kh * kw);
        var b = Random(12, cout);

        var model = new OnnxModelBuilder();
        var g = model.Graph;
        var input = g.AddInput("x", OnnxElementType.Float, [1, cin, h, wd]);
        var y = g.Conv(input, g.AddInitializer("w", w, cout, cin, kh, kw), g.AddInitializer("b", b, cout),
            strides: [stride, stride], pads: [pad, pad, pad, pad]);
        g.AddOutput("y", OnnxElementType.Float, null, y);
        var result = OrtRunner.Run(model.ToBytes(), ("x", x, [1, cin, h, wd]))["y"];

        int oh = (h + 2 * pad - kh) / stride + 1, ow = (wd + 2 * pad - kw) / stride + 1;
        var expected = new float[cout * oh * ow];
        for (int o = 0; o < cout; o++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++)
                {
                    double s = b[o];
                    for (int c = 0; c < cin; c++)
                        for (int u = 0; u < kh; u++)
                            for (int v = 0; v < kw; v++)
                            {
                                int yy = i * stride - pad + u, xx = j * stride - pad + v;
                                if (yy < 0 || yy >= h || xx < 0 || xx >= wd) continue;
                                s += x[(c * h + yy) * wd + xx] * w[((o * cin + c) * kh + u) * kw + v];
                            }
                    expected[(o * oh + i) * ow + j] = (float)s;
                }
        CollectionAssert.AreEqual(new long[] { 1, cout, oh, ow }, result.Shape);
        Tolerance.AssertClose(result.Floats, expected, Tol, Tol, "conv");
    }

    [TestMethod]
    public void ScanComputesCumulativeSum()
    {
        const int t = 6, d = 3;
        var x = Random(20, t * d);

        var model = new OnnxModelBuilder();
        var g = model.Graph;
        var input = g.AddInput("x", OnnxElementType.Float, [t, d]);
        var body = g.CreateSubgraph("cumsum_body");
        var state = body.AddInput("sum_in", OnnxElementType.Float, [d]);
        var slice = body.AddInput("x_t", OnnxElementType.Float, [d]);
        var next = body.Add(state, slice);
        body.AddOutput("sum_out", OnnxElementType.Float, [d], next);
        body.AddOutput("y_t", OnnxElementType.Float, [d], body.Identity(next));
        var outs = g.Scan(body, [g.AddInitializer("zero", new float[d], d)], [input], scanOutputCount: 1);
        g.AddOutput("total", OnnxElementType.Float, [d], outs[0]);
        g.AddOutput("running", OnnxElementType.Float, [t, d], outs[1]);
        var result = OrtRunner.Run(model.ToBytes(), ("x", x, [t, d]));

        var running = new float[t * d];
        var acc = new float[d];
        for (int i = 0; i < t; i++)
            for (int j = 0; j < d; j++)
                running[i * d + j] = acc[j] += x[i * d + j];
        Tolerance.AssertClose(result["running"].Floats, running, Tol, Tol, "scan output");
        Tolerance.AssertClose(result["total"].Floats, acc, Tol, Tol, "final state");
    }

    [TestMethod]
    public void LoopComputesRecurrenceReadingOuterScope()
    {
        const int t = 5, d = 4;
        var x = Random(30, t * d);
        var decay = Random(31, d);

        var model = new OnnxModelBuilder();
        var g = model.Graph;
        var input = g.AddInput("x", OnnxElementType.Float, [t, d]);
        var a = g.AddInitializer("decay", decay, d);
        var body = g.CreateSubgraph("recurrence_body");
        var iteration = body.AddInput("i", OnnxElementType.Int64, []);
        var condIn = body.AddInput("cond_in", OnnxElementType.Bool, []);
        var hIn = body.AddInput("h_in", OnnxElementType.Float, [d]);
        var xi = body.Gather(input, iteration, axis: 0);                 // outer-scope value x
        var h = body.Add(body.Mul(a, hIn), xi);                          // h = decay * h + x[i]
        body.AddOutput("cond_out", OnnxElementType.Bool, [], body.Identity(condIn));
        body.AddOutput("h_out", OnnxElementType.Float, [d], h);
        body.AddOutput("h_scan", OnnxElementType.Float, [d], body.Identity(h));
        var outs = g.Loop(g.ScalarInt64(t), "", body, [g.AddInitializer("h0", new float[d], d)], scanOutputCount: 1);
        g.AddOutput("h_last", OnnxElementType.Float, [d], outs[0]);
        g.AddOutput("h_all", OnnxElementType.Float, [t, d], outs[1]);
        var result = OrtRunner.Run(model.ToBytes(), ("x", x, [t, d]));

        var all = new float[t * d];
        var hv = new double[d];
        for (int i = 0; i < t; i++)
            for (int j = 0; j < d; j++)
                all[i * d + j] = (float)(hv[j] = decay[j] * hv[j] + x[i * d + j]);
        Tolerance.AssertClose(result["h_all"].Floats, all, Tol, Tol, "loop scan output");
        Tolerance.AssertClose(result["h_last"].Floats, all.AsSpan((t - 1) * d).ToArray(), Tol, Tol, "final state");
    }

    [TestMethod]
    [DataRow(17)]
    [DataRow(18)]
    [DataRow(21)]
    public void TopKThenReduceMeanAtOpset(int opset)
    {
        const int n = 2, p = 9, k = 4;
        var x = Random(40 + opset, n * p);

        var model = new OnnxModelBuilder(opset: opset);
        var g = model.Graph;
        var input = g.AddInput("x", OnnxElementType.Float, ["N", p]);
        var (values, indices) = g.TopK(input, k, axis: 1);
        g.AddOutput("mean", OnnxElementType.Float, ["N"], g.ReduceMean(values, [1], keepDims: false));
        g.AddOutput("indices", OnnxElementType.Int64, ["N", k], indices);
        var result = OrtRunner.Run(model.ToBytes(), ("x", x, [n, p]));

        for (int r = 0; r < n; r++)
        {
            var order = Enumerable.Range(0, p).OrderByDescending(i => x[r * p + i]).Take(k).ToArray();
            CollectionAssert.AreEqual(order.Select(i => (long)i).ToArray(), result["indices"].Int64s.Skip(r * k).Take(k).ToArray(), $"row {r} indices");
            double mean = order.Average(i => (double)x[r * p + i]);
            Assert.AreEqual(mean, result["mean"].Floats[r], Tol, $"row {r} top-{k} mean");
        }
    }

    [TestMethod]
    [DataRow(3, 4, 7, 10)]
    [DataRow(8, 6, 3, 5)]
    public void ResizeBilinearHalfPixelMatchesPyTorchFormula(int h, int w, int oh, int ow)
    {
        var x = Random(50 + h, h * w);
        var model = new OnnxModelBuilder();
        var g = model.Graph;
        var input = g.AddInput("x", OnnxElementType.Float, [1, 1, h, w]);
        g.AddOutput("y", OnnxElementType.Float, [1, 1, oh, ow], g.Resize(input, [1, 1, oh, ow], "linear", "half_pixel"));
        var result = OrtRunner.Run(model.ToBytes(), ("x", x, [1, 1, h, w]))["y"];

        // align_corners = false: source = (dst + 0.5) * in / out - 0.5, clamped to [0, in - 1].
        static (int I0, int I1, double F) Tap(int dst, int inSize, int outSize)
        {
            double s = Math.Clamp((dst + 0.5) * inSize / outSize - 0.5, 0, inSize - 1);
            int i0 = (int)Math.Floor(s);
            return (i0, Math.Min(i0 + 1, inSize - 1), s - i0);
        }
        var expected = new float[oh * ow];
        for (int i = 0; i < oh; i++)
        {
            var (y0, y1, fy) = Tap(i, h, oh);
            for (int j = 0; j < ow; j++)
            {
                var (x0, x1, fx) = Tap(j, w, ow);
                double top = x[y0 * w + x0] * (1 - fx) + x[y0 * w + x1] * fx;
                double bottom = x[y1 * w + x0] * (1 - fx) + x[y1 * w + x1] * fx;
                expected[i * ow + j] = (float)(top * (1 - fy) + bottom * fy);
            }
        }
        Tolerance.AssertClose(result.Floats, expected, Tol, Tol, "bilinear half_pixel");
    }

    [TestMethod]
    public void BoolAndFloat16InitializersFeedWhere()
    {
        var x = Random(60, 6);
        var mask = new[] { true, false, true, false, false, true };
        var fill = new[] { (Half)0.5f, (Half)(-1.25f), (Half)2f, (Half)3.5f, (Half)(-0.125f), (Half)7f };
        var model = new OnnxModelBuilder();
        var g = model.Graph;
        var input = g.AddInput("x", OnnxElementType.Float, [2, 3]);
        var f = g.Cast(g.AddInitializer("fill", fill, 2, 3), OnnxElementType.Float);
        g.AddOutput("y", OnnxElementType.Float, [2, 3], g.Where(g.AddInitializer("mask", mask, 2, 3), input, f));
        var result = OrtRunner.Run(model.ToBytes(), ("x", x, [2, 3]))["y"];
        var expected = Enumerable.Range(0, 6).Select(i => mask[i] ? x[i] : (float)fill[i]).ToArray();
        CollectionAssert.AreEqual(expected, result.Floats);
    }

    [TestMethod]
    [DataRow(17)]
    [DataRow(20)]
    public void GeluErfAndQuickGeluMatchFormulas(int opset)
    {
        var x = Random(70, 16, 3);
        var model = new OnnxModelBuilder(opset: opset);
        var g = model.Graph;
        var input = g.AddInput("x", OnnxElementType.Float, [16]);
        g.AddOutput("gelu", OnnxElementType.Float, [16], g.GeluErf(input));
        g.AddOutput("quick", OnnxElementType.Float, [16], g.QuickGelu(input));
        var result = OrtRunner.Run(model.ToBytes(), ("x", x, [16]));
        var gelu = x.Select(v => (float)(0.5 * v * (1 + Erf(v / Math.Sqrt(2))))).ToArray();
        var quick = x.Select(v => (float)(v / (1 + Math.Exp(-1.702 * v)))).ToArray();
        Tolerance.AssertClose(result["gelu"].Floats, gelu, Tol, Tol, "GELU (erf)");
        Tolerance.AssertClose(result["quick"].Floats, quick, Tol, Tol, "QuickGELU");
    }

    [TestMethod]
    public void MetadataAndProducerReachOnnxRuntime()
    {
        var model = new OnnxModelBuilder("meta_graph") { ProducerName = "unit-test", ProducerVersion = "9.8.7", DocString = "doc" };
        model.SetMetadata("daclip.format", "x");
        model.SetMetadata("answer", "42");
        var g = model.Graph;
        g.AddOutput("y", OnnxElementType.Float, [1], g.Identity(g.AddInput("x", OnnxElementType.Float, [1])));
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(model.ToBytes());
        var meta = session.ModelMetadata;
        Assert.AreEqual("unit-test", meta.ProducerName);
        Assert.AreEqual("meta_graph", meta.GraphName);
        Assert.AreEqual("42", meta.CustomMetadataMap["answer"]);
        Assert.AreEqual("x", meta.CustomMetadataMap["daclip.format"]);
        var proto = Onnx.ModelProto.Parser.ParseFrom(model.ToBytes());
        Assert.AreEqual("9.8.7", proto.ProducerVersion);
        Assert.AreEqual(8L, proto.IrVersion);
        Assert.AreEqual(17L, proto.OpsetImport.Single().Version);
    }

    [TestMethod]
    public void ShapeOpsConstantsAndReflectPadMatchCSharp()
    {
        float[] x = [1, 2, 3, 4, 5, 6];   // [2, 3]
        var model = new OnnxModelBuilder();
        var g = model.Graph;
        var input = g.AddInput("x", OnnxElementType.Float, [2, 3]);
        var flat = g.Reshape(g.Transpose(input, 1, 0), 6);                           // 1 4 2 5 3 6
        var middle = g.Slice(flat, [1], [5]);                                           // 4 2 5 3
        var joined = g.Concat(0, middle, g.Constant(OnnxTensors.Float("", [10f, 20f], 2)));  // 4 2 5 3 10 20
        var padded = g.Pad(joined, [2, 1], mode: "reflect");                            // 5 2 | 4 2 5 3 10 20 | 10
        var picked = g.Gather(padded, g.AddInitializer(null, [0L, 8L, 3L], 3));        // 5 10 2
        var ones = g.ConstantOfShape(g.Shape(picked), 1.5f);
        g.AddOutput("padded", OnnxElementType.Float, [9], padded);
        g.AddOutput("y", OnnxElementType.Float, [3], g.Add(picked, ones));
        var result = OrtRunner.Run(model.ToBytes(), ("x", x, [2, 3]));
        CollectionAssert.AreEqual(new[] { 5f, 2, 4, 2, 5, 3, 10, 20, 10 }, result["padded"].Floats);
        CollectionAssert.AreEqual(new[] { 6.5f, 11.5f, 3.5f }, result["y"].Floats);
    }

    /// <summary>erf by its Maclaurin series (|x| &lt;= 3 here); converges to double precision.</summary>
    private static double Erf(double x)
    {
        double sum = 0, term = x;
        for (int n = 0; n < 200; n++)
        {
            sum += term / (2 * n + 1);
            term *= -x * x / (n + 1);
        }
        return 2 / Math.Sqrt(Math.PI) * sum;
    }
}
