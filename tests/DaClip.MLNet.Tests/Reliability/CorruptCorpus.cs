using System.IO.Compression;
using System.Text.Json.Nodes;
using DaClip.MLNet.Tests.Imaging;

namespace DaClip.MLNet.Tests.Reliability;

/// <summary>
/// A seeded generator of damaged inputs: images (truncated, wrong magic, huge declared sizes kept small on disk, random
/// bytes, flipped bytes), model zips and safetensors files. The same seed gives the same files.
/// </summary>
internal sealed class CorruptCorpus(int seed)
{
    private readonly Random _rng = new(seed);

    /// <summary>A small valid PNG, 8-bit RGB or 16-bit grey.</summary>
    public byte[] ValidPng(bool sixteenBit = false)
    {
        int w = _rng.Next(2, 12), h = _rng.Next(2, 12);
        var samples = new int[w * h * (sixteenBit ? 1 : 3)];
        for (int i = 0; i < samples.Length; i++) samples[i] = _rng.Next(sixteenBit ? 65536 : 256);
        return TestImageFiles.Png(w, h, sixteenBit ? 0 : 2, sixteenBit ? 16 : 8, samples);
    }

    /// <summary>A small valid 24-bit BMP.</summary>
    public byte[] ValidBmp()
    {
        int w = _rng.Next(2, 12), h = _rng.Next(2, 12);
        var rgb = new byte[w * h * 3];
        _rng.NextBytes(rgb);
        return TestImageFiles.Bmp24(w, h, rgb);
    }

    /// <summary>One damaged image and the name of the damage.</summary>
    public (string Kind, byte[] Bytes) Image()
    {
        int format = _rng.Next(3);
        var valid = format switch { 0 => ValidPng(), 1 => ValidPng(sixteenBit: true), _ => ValidBmp() };
        switch (_rng.Next(6))
        {
            case 0:
                return ("truncated", valid[.._rng.Next(valid.Length)]);
            case 1:
                {
                    var b = (byte[])valid.Clone();
                    for (int i = 0; i < Math.Min(4, b.Length); i++) b[i] = (byte)_rng.Next(256);
                    return ("wrong magic", b);
                }
            case 2:
                {
                    var b = new byte[_rng.Next(0, 2048)];
                    _rng.NextBytes(b);
                    return ("random bytes", b);
                }
            case 3:
                // A 16-bit PNG keeps its header: huge declared 16-bit sizes are the pixel-limit case of branch i9a (issue 9, case 7).
                return ("flipped bytes", Flip(valid, _rng.Next(1, 16), start: format == 1 ? 33 : 0));
            case 4:
                return ("huge declared PNG", HugePng());
            default:
                return ("huge declared BMP", HugeBmp());
        }
    }

    /// <summary>An 8-bit PNG whose header (with a correct CRC) declares a size far beyond its data.</summary>
    public byte[] HugePng()
    {
        var png = ValidPng();
        var (w, h) = HugeSize();
        WriteBigEndian(png, 16, w);
        WriteBigEndian(png, 20, h);
        WriteBigEndian(png, 29, (int)Crc32(png.AsSpan(12, 17)));
        return png;
    }

    /// <summary>A BMP whose header declares a size far beyond its data (or a negative / zero one).</summary>
    public byte[] HugeBmp()
    {
        var bmp = ValidBmp();
        var (w, h) = HugeSize();
        BitConverter.TryWriteBytes(bmp.AsSpan(18), w);
        BitConverter.TryWriteBytes(bmp.AsSpan(22), _rng.Next(2) == 0 ? h : -h);
        return bmp;
    }

    /// <summary>A damaged copy of a model zip.</summary>
    public (string Kind, byte[] Bytes) ModelZip(byte[] valid)
    {
        switch (_rng.Next(4))
        {
            case 0:
                return ("truncated zip", valid[.._rng.Next(valid.Length)]);
            case 1:
                return ("flipped zip bytes", Flip(valid, _rng.Next(1, 128)));
            case 2:
                {
                    var b = new byte[_rng.Next(0, 4096)];
                    _rng.NextBytes(b);
                    if (b.Length >= 4 && _rng.Next(2) == 0) "PK\u0003\u0004"u8.CopyTo(b);
                    return ("random bytes as zip", b);
                }
            default:
                {
                    using var buffer = new MemoryStream();
                    using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
                    {
                        foreach (var name in new[] { "Model.key", "TransformerChain/Model.key", "TransformerChain/Transform_000/OnnxModel", "Schema/DefaultMap.idv" })
                        {
                            if (_rng.Next(2) == 0) continue;
                            var data = new byte[_rng.Next(0, 512)];
                            _rng.NextBytes(data);
                            using var s = zip.CreateEntry(name).Open();
                            s.Write(data);
                        }
                    }
                    return ("zip of random entries", buffer.ToArray());
                }
        }
    }

    /// <summary>A damaged copy of a safetensors file (header fields, header length, truncation or bytes).</summary>
    public (string Kind, byte[] Bytes) Safetensors(byte[] valid)
    {
        ulong headerLength = BitConverter.ToUInt64(valid, 0);
        var header = JsonNode.Parse(valid.AsSpan(8, (int)headerLength))!.AsObject();
        var data = valid[(8 + (int)headerLength)..];
        var names = header.Select(kv => kv.Key).Where(k => k != "__metadata__").ToList();
        var tensor = header[names[_rng.Next(names.Count)]]!.AsObject();
        long[] extremes = [-1, 0, 1, 7, 16, 1L << 31, 1L << 32, 1L << 62, long.MaxValue, long.MinValue];
        long Pick() => _rng.Next(2) == 0 ? extremes[_rng.Next(extremes.Length)] : _rng.Next(-4, 100);
        string kind;
        long elements = tensor["shape"]!.AsArray().Aggregate(1L, (a, d) => a * d!.GetValue<long>());
        switch (_rng.Next(10))
        {
            case 7:
                // The same bytes under another rank: what a checkpoint of another model (or a bad export) looks like.
                tensor["shape"] = _rng.Next(3) switch
                {
                    0 => new JsonArray(JsonValue.Create(elements)),
                    1 => new JsonArray(JsonValue.Create(1L), JsonValue.Create(elements), JsonValue.Create(1L)),
                    _ => elements == 1 ? new JsonArray() : new JsonArray(JsonValue.Create(elements), JsonValue.Create(1L)),
                };
                kind = "other rank";
                break;
            case 8:
                // Dimensions whose product wraps around 64 bits to the real byte count (or to zero), and negative pairs.
                tensor["shape"] = _rng.Next(3) switch
                {
                    0 => new JsonArray(JsonValue.Create(1L << 32), JsonValue.Create(1L << 32)),
                    1 => new JsonArray(JsonValue.Create(-1L), JsonValue.Create(-elements)),
                    _ => new JsonArray(JsonValue.Create(1L << 62), JsonValue.Create(4L), JsonValue.Create(elements)),
                };
                if (_rng.Next(2) == 0) tensor["data_offsets"] = new JsonArray(JsonValue.Create(0L), JsonValue.Create(0L));
                kind = "wrapping shape";
                break;
            case 9:
                tensor["dtype"] = "U8";
                tensor["shape"] = new JsonArray(JsonValue.Create(7L));
                tensor["data_offsets"] = new JsonArray(JsonValue.Create(long.MaxValue - 7), JsonValue.Create(long.MaxValue));
                kind = "offsets near 2^63";
                break;
            case 0:
                tensor["shape"] = new JsonArray(Enumerable.Range(0, _rng.Next(0, 5)).Select(_ => (JsonNode)JsonValue.Create(Pick())).ToArray());
                kind = "shape";
                break;
            case 1:
                tensor["data_offsets"] = new JsonArray(JsonValue.Create(Pick()), JsonValue.Create(Pick()));
                kind = "data_offsets";
                break;
            case 2:
                tensor["dtype"] = new[] { "F32", "F16", "BF16", "I64", "U8", "BOOL", "F8_E4M3", "", "complex" }[_rng.Next(9)];
                kind = "dtype";
                break;
            case 3:
                tensor.Remove(new[] { "shape", "dtype", "data_offsets" }[_rng.Next(3)]);
                kind = "missing field";
                break;
            case 4:
                {
                    var bytes = (byte[])valid.Clone();
                    BitConverter.TryWriteBytes(bytes.AsSpan(0, 8), _rng.Next(2) == 0 ? (ulong)_rng.NextInt64() : headerLength + (ulong)_rng.Next(-8, 9));
                    return ("header length", bytes);
                }
            case 5:
                return ("truncated safetensors", valid[.._rng.Next(valid.Length)]);
            default:
                return ("flipped header bytes", Flip(valid, _rng.Next(1, 8), limit: 8 + (int)headerLength));
        }
        var json = System.Text.Encoding.UTF8.GetBytes(header.ToJsonString());
        var result = new byte[8 + json.Length + data.Length];
        BitConverter.TryWriteBytes(result.AsSpan(0, 8), (ulong)json.Length);
        json.CopyTo(result, 8);
        data.CopyTo(result, 8 + json.Length);
        return (kind, result);
    }

    private (int W, int H) HugeSize()
    {
        int[] sides = [0, 1, 65_535, 1 << 20, 1 << 24, int.MaxValue];
        while (true)
        {
            int w = sides[_rng.Next(sides.Length)], h = sides[_rng.Next(sides.Length)];
            long pixels = (long)w * h;
            // Sizes the decoders may legitimately allocate (up to 2^28 pixels) would only test the machine's memory.
            if (pixels <= 1 << 16 || pixels > 1L << 28) return (w, h);
        }
    }

    private byte[] Flip(byte[] source, int count, int? limit = null, int start = 0)
    {
        var b = (byte[])source.Clone();
        int n = Math.Min(limit ?? b.Length, b.Length);
        for (int i = 0; i < count && n > start; i++) b[_rng.Next(start, n)] ^= (byte)_rng.Next(1, 256);
        return b;
    }

    private static void WriteBigEndian(byte[] b, int at, int value)
    {
        b[at] = (byte)(value >> 24);
        b[at + 1] = (byte)(value >> 16);
        b[at + 2] = (byte)(value >> 8);
        b[at + 3] = (byte)value;
    }

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (var x in data)
        {
            crc ^= x;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? 0xEDB88320 ^ (crc >> 1) : crc >> 1;
        }
        return ~crc;
    }
}
