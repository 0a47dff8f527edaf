using System.Buffers.Binary;
using System.IO.Compression;

namespace DaClip.MLNet.Pipeline;

/// <summary>
/// Reads the ONNX models embedded in an ML.NET model zip. <c>ApplyOnnxModel</c> stores its model in an entry named
/// <c>OnnxModel</c> beside its <c>Model.key</c>, as a 32-bit little-endian length followed by the model bytes.
/// </summary>
internal static class MLNetModelZip
{
    private const string EntryName = "OnnxModel";

    /// <summary>Every embedded ONNX model, with its entry path.</summary>
    public static IEnumerable<(string Entry, byte[] Model)> OnnxModels(Stream zip, string source)
    {
        ZipArchive archive;
        try
        {
            archive = new ZipArchive(zip, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException e)
        {
            throw new DaClipFileFormatException(source, $"not an ML.NET model zip ({e.Message}). Save the model with mlContext.Model.Save.", e);
        }
        using (archive)
        {
            foreach (var entry in archive.Entries.Where(e => e.Name == EntryName).OrderBy(e => e.FullName, StringComparer.Ordinal).ToList())
            {
                using var stream = entry.Open();
                var header = new byte[4];
                stream.ReadExactly(header);
                int length = BinaryPrimitives.ReadInt32LittleEndian(header);
                if (length < 0 || length > entry.Length - 4)
                    throw new DaClipFileFormatException(source, $"the entry '{entry.FullName}' is not an ML.NET ONNX model entry (length {length}, entry {entry.Length} bytes).");
                var model = new byte[length];
                stream.ReadExactly(model);
                yield return (entry.FullName, model);
            }
        }
    }
}
