using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using DaClip.MLNet.Training.Clip;
using static TorchSharp.torch;

namespace DaClip.MLNet.Training;

/// <summary>A content hash of a CLIP backbone's weights (names, shapes and float32 values), computed once per model.</summary>
internal static class BackboneFingerprint
{
    private static readonly ConditionalWeakTable<ClipModel, string> Cache = [];

    /// <summary>SHA-256 (hex) of every parameter in name order, prefixed with the architecture name.</summary>
    public static string Of(ClipModel model) => Cache.GetValue(model, Compute);

    private static string Compute(ClipModel model)
    {
        using var h = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var scope = TorchSharp.torch.NewDisposeScope();
        foreach (var (name, p) in model.named_parameters().OrderBy(p => p.name, StringComparer.Ordinal))
        {
            h.AppendData(System.Text.Encoding.UTF8.GetBytes($"{name}[{string.Join(",", p.shape)}]"));
            var cpu = p.detach().cpu().to(ScalarType.Float32).contiguous();
            h.AppendData(MemoryMarshal.AsBytes(cpu.data<float>().ToArray().AsSpan()));
        }
        return model.Config.ArchitectureName + ":" + Convert.ToHexStringLower(h.GetHashAndReset());
    }
}
