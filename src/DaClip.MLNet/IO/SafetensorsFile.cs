using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace DaClip.MLNet.IO;

/// <summary>Element types of the safetensors format that DaClip.MLNet reads and writes.</summary>
internal enum SafetensorsDType
{
    /// <summary>IEEE 754 single precision (<c>F32</c>).</summary>
    F32,
    /// <summary>IEEE 754 half precision (<c>F16</c>).</summary>
    F16,
    /// <summary>bfloat16 (<c>BF16</c>).</summary>
    BF16,
    /// <summary>IEEE 754 double precision (<c>F64</c>).</summary>
    F64,
    /// <summary>Signed 64-bit integer (<c>I64</c>).</summary>
    I64,
    /// <summary>Signed 32-bit integer (<c>I32</c>).</summary>
    I32,
    /// <summary>Signed 16-bit integer (<c>I16</c>).</summary>
    I16,
    /// <summary>Signed 8-bit integer (<c>I8</c>).</summary>
    I8,
    /// <summary>Unsigned 8-bit integer (<c>U8</c>).</summary>
    U8,
    /// <summary>Boolean, one byte each (<c>BOOL</c>).</summary>
    Bool,
}

/// <summary>Name, element type and shape of one tensor in a safetensors file.</summary>
/// <param name="Name">The tensor's key.</param>
/// <param name="DType">Element type.</param>
/// <param name="Shape">Dimensions; empty for a 0-d tensor (one element).</param>
/// <param name="Offset">Byte offset of the data from the start of the file.</param>
/// <param name="ByteLength">Length of the data in bytes.</param>
internal sealed record SafetensorsEntry(string Name, SafetensorsDType DType, long[] Shape, long Offset, long ByteLength)
{
    /// <summary>Number of elements (1 for a 0-d tensor).</summary>
    public long ElementCount => Shape.Contains(0) ? 0 : Shape.Aggregate(1L, (a, b) => checked(a * b));
}

/// <summary>
/// Reader of the public safetensors layout (8-byte little-endian header length, JSON header, raw little-endian
/// C-order data). The file is memory-mapped, so multi-gigabyte checkpoints are read tensor by tensor.
/// </summary>
internal sealed class SafetensorsFile : IDisposable
{
    private readonly MemoryMappedFile? _map;
    private readonly MemoryMappedViewAccessor? _view;
    private readonly Dictionary<string, SafetensorsEntry> _entries;

    private SafetensorsFile(string path, MemoryMappedFile? map, MemoryMappedViewAccessor? view,
        Dictionary<string, SafetensorsEntry> entries, IReadOnlyDictionary<string, string> metadata)
    {
        FilePath = path;
        _map = map;
        _view = view;
        _entries = entries;
        Metadata = metadata;
    }

    /// <summary>The file that was opened.</summary>
    public string FilePath { get; }

    /// <summary>The <c>__metadata__</c> string map (empty when the file has none).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Every tensor, in header order.</summary>
    public IReadOnlyCollection<SafetensorsEntry> Entries => _entries.Values;

    /// <summary>Tensor names, in header order.</summary>
    public IEnumerable<string> Names => _entries.Keys;

    /// <summary>Whether a tensor of that name exists.</summary>
    public bool Contains(string name) => _entries.ContainsKey(name);

    /// <summary>The entry for <paramref name="name"/>.</summary>
    /// <exception cref="DaClipFileFormatException">No such tensor.</exception>
    public SafetensorsEntry this[string name] => _entries.TryGetValue(name, out var e)
        ? e
        : throw new DaClipFileFormatException(FilePath, $"has no tensor named '{name}'.");

    /// <summary>True when <paramref name="path"/> starts like a safetensors file (plausible header length, then '{').</summary>
    public static bool LooksLikeSafetensors(string path)
    {
        try
        {
            using var fs = File.OpenRead(path);
            if (fs.Length < 10) return false;
            Span<byte> head = stackalloc byte[9];
            fs.ReadExactly(head);
            ulong n = BitConverter.ToUInt64(head[..8]);
            return n > 1 && n <= (ulong)fs.Length - 8 && head[8] == (byte)'{';
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Opens and validates <paramref name="path"/> (header, dtypes, shapes against byte ranges, bounds).</summary>
    /// <exception cref="DaClipFileFormatException">Missing, truncated or malformed file.</exception>
    public static SafetensorsFile Open(string path)
    {
        if (!File.Exists(path)) throw new DaClipFileFormatException(path, "file not found.");
        long fileLength = new FileInfo(path).Length;
        if (fileLength < 8) throw new DaClipFileFormatException(path, $"is {fileLength} bytes long: too short for a safetensors file (truncated download?).");

        byte[] headerBytes;
        using (var fs = File.OpenRead(path))
        {
            Span<byte> lenBytes = stackalloc byte[8];
            fs.ReadExactly(lenBytes);
            ulong headerLength = BitConverter.ToUInt64(lenBytes);
            if (headerLength == 0 || headerLength > (ulong)(fileLength - 8) || headerLength > 100_000_000)
                throw new DaClipFileFormatException(path, $"is not a valid safetensors file (header length {headerLength} for a file of {fileLength} bytes): truncated or not safetensors.");
            headerBytes = new byte[headerLength];
            fs.ReadExactly(headerBytes);
        }

        long dataStart = 8 + headerBytes.Length;
        var entries = new Dictionary<string, SafetensorsEntry>(StringComparer.Ordinal);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            using var doc = JsonDocument.Parse(headerBytes);
            foreach (var prop in doc.RootElement.EnumerateObject())
            {
                if (prop.Name == "__metadata__")
                {
                    foreach (var m in prop.Value.EnumerateObject()) metadata[m.Name] = m.Value.GetString() ?? "";
                    continue;
                }
                var dtype = ParseDType(prop.Value.GetProperty("dtype").GetString() ?? "", path, prop.Name);
                long[] shape = ReadIntegers(prop.Value.GetProperty("shape"), path, prop.Name, "shape");
                var offs = ReadIntegers(prop.Value.GetProperty("data_offsets"), path, prop.Name, "data_offsets");
                if (shape.Any(d => d < 0))
                    throw new DaClipFileFormatException(path, $"tensor '{prop.Name}' has shape [{string.Join(",", shape)}] with a negative dimension: the file is corrupt.");
                long dataLength = fileLength - dataStart;
                if (offs.Length != 2 || offs[0] < 0 || offs[1] < offs[0] || offs[1] > dataLength)
                    throw new DaClipFileFormatException(path, $"tensor '{prop.Name}' has data_offsets [{string.Join(",", offs)}] outside the {dataLength} data bytes of the file: " +
                        "the file is truncated or corrupt (download it again).");
                long byteLength = offs[1] - offs[0];
                long? needed = ByteCount(shape, dtype);
                if (needed != byteLength)
                    throw new DaClipFileFormatException(path, needed is null
                        ? $"tensor '{prop.Name}' has shape [{string.Join(",", shape)}], whose size overflows a 64-bit byte count: the file is corrupt."
                        : $"tensor '{prop.Name}' has {byteLength} bytes but shape [{string.Join(",", shape)}] of {dtype} needs {needed}.");
                if (entries.ContainsKey(prop.Name))
                    throw new DaClipFileFormatException(path, $"tensor '{prop.Name}' is listed twice in the header: the file is corrupt.");
                entries.Add(prop.Name, new SafetensorsEntry(prop.Name, dtype, shape, dataStart + offs[0], byteLength));
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            throw new DaClipFileFormatException(path, "has a malformed safetensors JSON header: " + e.Message, e);
        }

        MemoryMappedFile? map = null;
        MemoryMappedViewAccessor? view = null;
        if (fileLength > dataStart)
        {
            map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
            view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        }
        return new SafetensorsFile(path, map, view, entries, metadata);
    }

    /// <summary>The bytes a tensor of <paramref name="shape"/> and <paramref name="dtype"/> takes, or null when that overflows 64 bits.</summary>
    private static long? ByteCount(long[] shape, SafetensorsDType dtype)
    {
        if (shape.Contains(0)) return 0;
        long count = ElementSize(dtype);
        foreach (var d in shape)
        {
            if (d != 0 && count > long.MaxValue / d) return null;
            count *= d;
        }
        return count;
    }

    private static long[] ReadIntegers(JsonElement array, string path, string tensor, string field)
    {
        if (array.ValueKind != JsonValueKind.Array)
            throw new DaClipFileFormatException(path, $"tensor '{tensor}' has a {field} that is not a list of integers.");
        var values = new List<long>();
        foreach (var x in array.EnumerateArray())
        {
            if (x.ValueKind != JsonValueKind.Number || !x.TryGetInt64(out long v))
                throw new DaClipFileFormatException(path, $"tensor '{tensor}' has {field} value {x.GetRawText()}, which is not a 64-bit integer: the file is corrupt.");
            values.Add(v);
        }
        return [.. values];
    }

    /// <summary>Copies the raw bytes of a tensor.</summary>
    public byte[] ReadBytes(string name)
    {
        var e = this[name];
        var bytes = new byte[e.ByteLength];
        if (e.ByteLength > 0) _view!.ReadArray(e.Offset, bytes, 0, bytes.Length);
        return bytes;
    }

    /// <summary>Reads a tensor as float32, converting from F16, BF16 or F64 when needed.</summary>
    public float[] ReadSingle(string name)
    {
        var e = this[name];
        var raw = ReadBytes(name);
        return e.DType switch
        {
            SafetensorsDType.F32 => MemoryMarshal.Cast<byte, float>(raw).ToArray(),
            SafetensorsDType.F16 => MemoryMarshal.Cast<byte, Half>(raw).ToArray().Select(h => (float)h).ToArray(),
            SafetensorsDType.BF16 => MemoryMarshal.Cast<byte, ushort>(raw).ToArray().Select(b => BitConverter.Int32BitsToSingle(b << 16)).ToArray(),
            SafetensorsDType.F64 => MemoryMarshal.Cast<byte, double>(raw).ToArray().Select(d => (float)d).ToArray(),
            _ => throw new DaClipFileFormatException(FilePath, $"tensor '{name}' is {e.DType}, expected a floating-point type."),
        };
    }

    /// <summary>Reads a tensor as float64 (F64 exactly; F32/F16 widened).</summary>
    public double[] ReadDouble(string name)
    {
        var e = this[name];
        if (e.DType == SafetensorsDType.F64) return MemoryMarshal.Cast<byte, double>(ReadBytes(name)).ToArray();
        return ReadSingle(name).Select(f => (double)f).ToArray();
    }

    /// <summary>Reads an integer or boolean tensor as int64.</summary>
    public long[] ReadInt64(string name)
    {
        var e = this[name];
        var raw = ReadBytes(name);
        return e.DType switch
        {
            SafetensorsDType.I64 => MemoryMarshal.Cast<byte, long>(raw).ToArray(),
            SafetensorsDType.I32 => MemoryMarshal.Cast<byte, int>(raw).ToArray().Select(x => (long)x).ToArray(),
            SafetensorsDType.I16 => MemoryMarshal.Cast<byte, short>(raw).ToArray().Select(x => (long)x).ToArray(),
            SafetensorsDType.I8 => raw.Select(x => (long)(sbyte)x).ToArray(),
            SafetensorsDType.U8 or SafetensorsDType.Bool => raw.Select(x => (long)x).ToArray(),
            _ => throw new DaClipFileFormatException(FilePath, $"tensor '{name}' is {e.DType}, expected an integer type."),
        };
    }

    /// <summary>Reads a U8/BOOL tensor.</summary>
    public byte[] ReadByte(string name)
    {
        var e = this[name];
        if (e.DType is not (SafetensorsDType.U8 or SafetensorsDType.Bool or SafetensorsDType.I8))
            return ReadInt64(name).Select(x => (byte)x).ToArray();
        return ReadBytes(name);
    }

    /// <summary>Reads an I32 tensor (other integer types narrowed).</summary>
    public int[] ReadInt32(string name) => ReadInt64(name).Select(x => checked((int)x)).ToArray();

    /// <summary>Size in bytes of one element of <paramref name="dtype"/>.</summary>
    public static int ElementSize(SafetensorsDType dtype) => dtype switch
    {
        SafetensorsDType.F64 or SafetensorsDType.I64 => 8,
        SafetensorsDType.F32 or SafetensorsDType.I32 => 4,
        SafetensorsDType.F16 or SafetensorsDType.BF16 or SafetensorsDType.I16 => 2,
        _ => 1,
    };

    internal static string DTypeName(SafetensorsDType d) => d switch
    {
        SafetensorsDType.Bool => "BOOL",
        _ => d.ToString(),
    };

    private static SafetensorsDType ParseDType(string s, string path, string name) => s switch
    {
        "F32" => SafetensorsDType.F32,
        "F16" => SafetensorsDType.F16,
        "BF16" => SafetensorsDType.BF16,
        "F64" => SafetensorsDType.F64,
        "I64" => SafetensorsDType.I64,
        "I32" => SafetensorsDType.I32,
        "I16" => SafetensorsDType.I16,
        "I8" => SafetensorsDType.I8,
        "U8" => SafetensorsDType.U8,
        "BOOL" => SafetensorsDType.Bool,
        _ => throw new DaClipFileFormatException(path, $"tensor '{name}' has unsupported dtype '{s}'."),
    };

    /// <inheritdoc />
    public void Dispose()
    {
        _view?.Dispose();
        _map?.Dispose();
    }
}

/// <summary>One tensor to write with <see cref="SafetensorsWriter"/>.</summary>
/// <param name="Name">Key.</param>
/// <param name="DType">Element type of <paramref name="Data"/>.</param>
/// <param name="Shape">Dimensions.</param>
/// <param name="Data">Little-endian C-order bytes.</param>
internal sealed record SafetensorsTensor(string Name, SafetensorsDType DType, long[] Shape, ReadOnlyMemory<byte> Data)
{
    /// <summary>A float32 tensor.</summary>
    public static SafetensorsTensor FromSingle(string name, float[] data, params long[] shape) =>
        new(name, SafetensorsDType.F32, shape, MemoryMarshal.AsBytes(data.AsSpan()).ToArray());

    /// <summary>A float16 tensor converted from float32 values.</summary>
    public static SafetensorsTensor FromHalf(string name, ReadOnlySpan<float> data, params long[] shape)
    {
        var h = new Half[data.Length];
        for (int i = 0; i < data.Length; i++) h[i] = (Half)data[i];
        return new(name, SafetensorsDType.F16, shape, MemoryMarshal.AsBytes(h.AsSpan()).ToArray());
    }

    /// <summary>An int64 tensor.</summary>
    public static SafetensorsTensor FromInt64(string name, long[] data, params long[] shape) =>
        new(name, SafetensorsDType.I64, shape, MemoryMarshal.AsBytes(data.AsSpan()).ToArray());
}

/// <summary>Writes safetensors files atomically (a temporary file beside the target, then a rename).</summary>
internal static class SafetensorsWriter
{
    /// <summary>Writes <paramref name="tensors"/> with optional <paramref name="metadata"/> to <paramref name="path"/>.</summary>
    public static void Write(string path, IEnumerable<SafetensorsTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var list = tensors.ToList();
        var header = new Dictionary<string, object>(StringComparer.Ordinal);
        if (metadata is { Count: > 0 }) header["__metadata__"] = metadata;
        long offset = 0;
        foreach (var t in list)
        {
            long expected = t.Shape.Aggregate(1L, (a, b) => a * b) * SafetensorsFile.ElementSize(t.DType);
            if (expected != t.Data.Length)
                throw new ArgumentException($"Tensor '{t.Name}' has {t.Data.Length} bytes, its shape needs {expected}.", nameof(tensors));
            header[t.Name] = new Dictionary<string, object>
            {
                ["dtype"] = SafetensorsFile.DTypeName(t.DType),
                ["shape"] = t.Shape,
                ["data_offsets"] = new[] { offset, offset + t.Data.Length },
            };
            offset += t.Data.Length;
        }
        var json = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(header));
        int pad = (8 - json.Length % 8) % 8;
        var headerBytes = new byte[json.Length + pad];
        json.CopyTo(headerBytes, 0);
        for (int i = json.Length; i < headerBytes.Length; i++) headerBytes[i] = (byte)' ';

        AtomicFile.Write(path, stream =>
        {
            stream.Write(BitConverter.GetBytes((ulong)headerBytes.Length));
            stream.Write(headerBytes);
            foreach (var t in list) stream.Write(t.Data.Span);
        });
    }
}
