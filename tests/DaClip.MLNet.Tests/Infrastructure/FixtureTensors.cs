using DaClip.MLNet.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace DaClip.MLNet.Tests.Infrastructure;

/// <summary>Reads fixture safetensors entries as TorchSharp tensors.</summary>
internal static class FixtureTensors
{
    /// <summary>A float32 tensor with the entry's shape.</summary>
    public static Tensor Float(SafetensorsFile file, string name) => torch.tensor(file.ReadSingle(name), file[name].Shape);

    /// <summary>An int64 tensor with the entry's shape.</summary>
    public static Tensor Long(SafetensorsFile file, string name) => torch.tensor(file.ReadInt64(name), file[name].Shape);

    /// <summary>Flattened float32 values of a tensor.</summary>
    public static float[] Values(Tensor t) => t.detach().cpu().contiguous().to(ScalarType.Float32).data<float>().ToArray();
}
