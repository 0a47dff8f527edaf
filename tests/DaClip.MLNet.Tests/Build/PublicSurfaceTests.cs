using System.Reflection;
using DaClip.MLNet.Pipeline;
using DaClip.MLNet.Training;
using DaClip.MLNet.Training.Clip;
using DaClip.MLNet.Training.Clip.Text;
using DaClip.MLNet.Training.Export;
using DaClip.MLNet.Training.Network;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace DaClip.MLNet.Tests.Build;

/// <summary>
/// The libraries' public surface: what a user imports next to ML.NET's namespaces never shares a name with an ML.NET
/// type (a user with <c>using Microsoft.ML.Data;</c> would otherwise have to qualify it), and the plumbing stays
/// internal. PublicAPI.*.txt (the analyzers) pin every public symbol; this checks the two rules behind them.
/// </summary>
[TestClass]
public sealed class PublicSurfaceTests
{
    private static readonly Assembly[] Libraries = [typeof(DaClipTransformer).Assembly, typeof(DaClipEstimator).Assembly];

    /// <summary>The ML.NET namespaces a DaClip.MLNet user imports (the README, docs/mlnet.md and the samples do).</summary>
    private static readonly string[] MLNetNamespaces = ["Microsoft.ML", "Microsoft.ML.Data", "Microsoft.ML.Transforms", "Microsoft.ML.Runtime"];

    internal static IReadOnlyList<string> Clashes(IEnumerable<Type> ours, IEnumerable<Type> theirs)
    {
        var names = theirs.Where(t => t.IsPublic && MLNetNamespaces.Contains(t.Namespace)).Select(t => t.Name).ToHashSet();
        return ours.Where(t => t.IsPublic && names.Contains(t.Name)).Select(t => t.FullName!).OrderBy(n => n).ToList();
    }

    [TestMethod]
    public void No_public_type_shares_a_name_with_an_MLNet_type()
    {
        var mlnet = new[] { typeof(MLContext).Assembly, typeof(AnomalyDetectionMetrics).Assembly, typeof(IDataView).Assembly,
            typeof(ImageLoadingEstimator).Assembly, typeof(Microsoft.ML.Transforms.Onnx.OnnxTransformer).Assembly }
            .Distinct().SelectMany(a => a.GetExportedTypes()).ToList();
        Assert.IsTrue(mlnet.Count > 150, $"found only {mlnet.Count} ML.NET types");
        var clashes = Clashes(Libraries.SelectMany(a => a.GetExportedTypes()), mlnet);
        Assert.AreEqual(0, clashes.Count, "rename these: " + string.Join(", ", clashes));
    }

    [TestMethod]
    public void The_clash_check_finds_a_clash()
    {
        // ML.NET's own AnomalyDetectionMetrics against itself: the check must see a same-named public type.
        var clashes = Clashes([typeof(AnomalyDetectionMetrics)], [typeof(AnomalyDetectionMetrics), typeof(MLContext)]);
        CollectionAssert.AreEqual(new[] { typeof(AnomalyDetectionMetrics).FullName }, clashes.ToArray());
    }

    [TestMethod]
    public void Plumbing_is_internal()
    {
        Type[] plumbing =
        [
            typeof(ScalarLifetimeGuard), typeof(SeededInit), typeof(QuickGelu), typeof(OnnxGraphBuilder), typeof(OnnxModelBuilder),
            typeof(DaClipOnnxExporter), typeof(DaClipNetwork), typeof(DaClipTrainer), typeof(PromptBank), typeof(TokenAdapter),
            typeof(ClipModel), typeof(ClipTokenizer), typeof(IClipTokenizer), typeof(DaClipChainBuilder), typeof(OutputsMapping),
            typeof(GuardedDataView), typeof(DaClip.MLNet.IO.AtomicFile), typeof(DaClip.MLNet.IO.SafetensorsFile),
        ];
        var exposed = plumbing.Where(t => t.IsPublic).Select(t => t.FullName).ToList();
        Assert.AreEqual(0, exposed.Count, "public plumbing: " + string.Join(", ", exposed));
    }

    [TestMethod]
    public void The_training_package_exposes_the_MLNet_surface_and_the_synthetic_generator()
    {
        var training = typeof(DaClipEstimator).Assembly.GetExportedTypes().Select(t => t.FullName!).ToHashSet();
        foreach (var type in new[] { typeof(DaClipOptions), typeof(DaClipEstimator), typeof(DaClipZeroShotEstimator),
                     typeof(DaClipZeroShotOptions), typeof(DaClip.MLNet.Training.Synthetic.SyntheticDefectGenerator), typeof(ClipCheckpointException) })
            Assert.IsTrue(training.Contains(type.FullName!), $"{type.FullName} is public");
        Assert.IsTrue(training.Count <= 30, $"{training.Count} public types in DaClip.MLNet.Training: {string.Join(", ", training.Order())}");
    }
}
