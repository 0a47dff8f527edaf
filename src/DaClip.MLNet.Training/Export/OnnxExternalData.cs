using System.Globalization;
using DaClip.MLNet.IO;
using Google.Protobuf;
using Onnx;

namespace DaClip.MLNet.Training.Export;

/// <summary>
/// ONNX external data: tensor bytes kept in a side file, the <see cref="TensorProto"/> holding
/// <c>data_location = EXTERNAL</c> and the entries <c>location</c> (path relative to the model file), <c>offset</c>
/// and <c>length</c> instead of <c>raw_data</c>.
/// </summary>
internal static class OnnxExternalData
{
    /// <summary>Total data bytes of the graph's initializers.</summary>
    public static long InitializerBytes(GraphProto graph) => graph.Initializer.Sum(OnnxTensors.DataBytes);

    /// <summary>
    /// Writes the raw data of every initializer of at least <see cref="OnnxSaveOptions.ExternalTensorMinBytes"/> to
    /// <paramref name="dataPath"/> (atomically, offsets aligned) and rewrites those tensors as external references.
    /// </summary>
    public static void MoveToFile(GraphProto graph, string dataPath, OnnxSaveOptions options)
    {
        if (options.ExternalDataAlignment <= 0) throw new ArgumentOutOfRangeException(nameof(options), "ExternalDataAlignment must be positive.");
        var moved = graph.Initializer.Where(t => t.DataLocation != TensorProto.Types.DataLocation.External && t.RawData.Length > 0
                                                 && t.RawData.Length >= options.ExternalTensorMinBytes).ToList();
        var location = Path.GetFileName(dataPath);
        var offsets = new long[moved.Count];
        AtomicFile.Write(dataPath, stream =>
        {
            long position = 0;
            for (int i = 0; i < moved.Count; i++)
            {
                long aligned = (position + options.ExternalDataAlignment - 1) / options.ExternalDataAlignment * options.ExternalDataAlignment;
                if (aligned > position) stream.Write(new byte[aligned - position]);
                offsets[i] = aligned;
                moved[i].RawData.WriteTo(stream);
                position = aligned + moved[i].RawData.Length;
            }
        });
        for (int i = 0; i < moved.Count; i++)
        {
            var tensor = moved[i];
            long length = tensor.RawData.Length;
            tensor.RawData = ByteString.Empty;
            tensor.DataLocation = TensorProto.Types.DataLocation.External;
            tensor.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = location });
            tensor.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = offsets[i].ToString(CultureInfo.InvariantCulture) });
            tensor.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = length.ToString(CultureInfo.InvariantCulture) });
        }
    }
}
