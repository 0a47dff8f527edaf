using System.Text;
using DaClip.MLNet.IO;

namespace DaClip.MLNet.Tests.Reliability;

/// <summary>Writes safetensors files byte by byte, headers included, so that tests can state any shape or offset.</summary>
internal static class MalformedSafetensors
{
    /// <summary>Writes <paramref name="headerJson"/> (8-byte length prefix) followed by <paramref name="dataBytes"/> zero bytes.</summary>
    public static string WriteRaw(string path, string headerJson, int dataBytes)
    {
        var header = Encoding.UTF8.GetBytes(headerJson);
        using var fs = File.Create(path);
        fs.Write(BitConverter.GetBytes((ulong)header.Length));
        fs.Write(header);
        fs.Write(new byte[dataBytes]);
        return path;
    }

    /// <summary>
    /// Writes the tensors <see cref="DaClip.MLNet.Training.Clip.ClipConfig.Infer"/> reads first (zeros, float32) with
    /// <paramref name="replace"/> giving one of them another shape.
    /// </summary>
    public static string WriteClipHead(string path, string replacedKey, long[] replacedShape)
    {
        var shapes = new Dictionary<string, long[]>
        {
            ["visual.conv1.weight"] = [16, 3, 8, 8],
            ["visual.positional_embedding"] = [17, 16],
            ["text_projection"] = [16, 8],
            ["positional_embedding"] = [77, 16],
            ["token_embedding.weight"] = [64, 16],
            ["ln_final.weight"] = [16],
        };
        shapes[replacedKey] = replacedShape;
        SafetensorsWriter.Write(path, shapes.Select(kv =>
            SafetensorsTensor.FromSingle(kv.Key, new float[kv.Value.Aggregate(1L, (a, b) => a * b)], kv.Value)));
        return path;
    }
}
