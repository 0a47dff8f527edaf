namespace DaClip.MLNet.Training.Synthetic.Rendering;

/// <summary>An axis-aligned rectangle in normalised image units ([0, 1] spans the image).</summary>
internal readonly record struct Bounds(double X0, double Y0, double X1, double Y1)
{
    /// <summary>The whole image.</summary>
    public static Bounds Image { get; } = new(0.0, 0.0, 1.0, 1.0);

    /// <summary>The square of half side <paramref name="radius"/> around a point.</summary>
    public static Bounds Around(double x, double y, double radius) => new(x - radius, y - radius, x + radius, y + radius);

    /// <summary>Grown by <paramref name="margin"/> on every side.</summary>
    public Bounds Inflate(double margin) => new(X0 - margin, Y0 - margin, X1 + margin, Y1 + margin);

    /// <summary>The smallest rectangle holding both.</summary>
    public Bounds Union(Bounds other) =>
        new(Math.Min(X0, other.X0), Math.Min(Y0, other.Y0), Math.Max(X1, other.X1), Math.Max(Y1, other.Y1));

    /// <summary>Whether the point lies inside (edges included).</summary>
    public bool Contains(double x, double y) => x >= X0 && x <= X1 && y >= Y0 && y <= Y1;

    /// <summary>The pixel index range [x0, x1) x [y0, y1) of pixels whose centres may fall inside, clipped to a <paramref name="size"/>-pixel square image.</summary>
    public (int X0, int Y0, int X1, int Y1) ToPixels(int size) =>
        (Math.Clamp((int)Math.Floor(X0 * size) - 1, 0, size), Math.Clamp((int)Math.Floor(Y0 * size) - 1, 0, size),
         Math.Clamp((int)Math.Ceiling(X1 * size) + 1, 0, size), Math.Clamp((int)Math.Ceiling(Y1 * size) + 1, 0, size));
}
