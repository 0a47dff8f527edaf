namespace DaClip.MLNet.Training.Export;

/// <summary>
/// One dimension of a graph input or output: a fixed size or a symbolic name such as <c>"N"</c> for the batch.
/// Converts implicitly from <see cref="long"/> and <see cref="string"/>, so a shape can be written <c>["N", 3, 224, 224]</c>.
/// </summary>
internal readonly record struct OnnxDim
{
    private OnnxDim(long? size, string? symbol)
    {
        Size = size;
        Symbol = symbol;
    }

    /// <summary>The fixed size, or null for a symbolic dimension.</summary>
    public long? Size { get; }

    /// <summary>The symbolic name, or null for a fixed dimension.</summary>
    public string? Symbol { get; }

    /// <summary>A fixed dimension of <paramref name="size"/> elements (0 or more).</summary>
    public static OnnxDim Fixed(long size) =>
        size >= 0 ? new OnnxDim(size, null) : throw new ArgumentOutOfRangeException(nameof(size), size, "A fixed ONNX dimension is 0 or more.");

    /// <summary>A symbolic dimension named <paramref name="symbol"/> (e.g. <c>"N"</c>); equal names denote equal sizes.</summary>
    public static OnnxDim Symbolic(string symbol) =>
        string.IsNullOrWhiteSpace(symbol) ? throw new ArgumentException("A symbolic ONNX dimension needs a non-empty name.", nameof(symbol)) : new OnnxDim(null, symbol);

    /// <summary>Same as <see cref="Fixed"/>.</summary>
    public static implicit operator OnnxDim(long size) => Fixed(size);

    /// <summary>Same as <see cref="Symbolic"/>.</summary>
    public static implicit operator OnnxDim(string symbol) => Symbolic(symbol);

    /// <inheritdoc />
    public override string ToString() => Symbol ?? Size!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
