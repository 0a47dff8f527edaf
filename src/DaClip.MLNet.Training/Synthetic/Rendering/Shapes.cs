namespace DaClip.MLNet.Training.Synthetic.Rendering;

/// <summary>
/// Signed distance functions (negative inside) in normalised image units, and the helpers that turn them into
/// pixel coverage. Coverage from a distance is what makes edges anti-aliased with one sample per pixel.
/// </summary>
internal static class Shapes
{
    /// <summary>Distance to a circle of radius <paramref name="r"/> centred on the origin.</summary>
    public static double Circle(double x, double y, double r) => Math.Sqrt(x * x + y * y) - r;

    /// <summary>Distance to an axis-aligned box of half extents (<paramref name="hx"/>, <paramref name="hy"/>) centred on the origin, corners rounded by <paramref name="round"/>.</summary>
    public static double Box(double x, double y, double hx, double hy, double round = 0.0)
    {
        var qx = Math.Abs(x) - (hx - round);
        var qy = Math.Abs(y) - (hy - round);
        var ox = Math.Max(qx, 0.0);
        var oy = Math.Max(qy, 0.0);
        return Math.Sqrt(ox * ox + oy * oy) + Math.Min(Math.Max(qx, qy), 0.0) - round;
    }

    /// <summary>Distance from (x, y) to the segment a-b, and the position t in [0, 1] of the nearest point along it.</summary>
    public static double Segment(double x, double y, double ax, double ay, double bx, double by, out double t)
    {
        var dx = bx - ax;
        var dy = by - ay;
        var len2 = dx * dx + dy * dy;
        t = len2 > 0.0 ? Math.Clamp(((x - ax) * dx + (y - ay) * dy) / len2, 0.0, 1.0) : 0.0;
        var ex = x - (ax + t * dx);
        var ey = y - (ay + t * dy);
        return Math.Sqrt(ex * ex + ey * ey);
    }

    /// <summary>Regular hexagon with inradius <paramref name="inradius"/>, one side normal at angle 0 (exact on and inside the outline).</summary>
    public static double Hexagon(double x, double y, double inradius)
    {
        const double C = 0.5;
        const double S = 0.86602540378443865;
        var d0 = Math.Abs(x);
        var d1 = Math.Abs(C * x + S * y);
        var d2 = Math.Abs(-C * x + S * y);
        return Math.Max(d0, Math.Max(d1, d2)) - inradius;
    }

    /// <summary>Pixel coverage of the inside of a distance field: a one-pixel linear ramp when anti-aliasing, else a hard step.</summary>
    public static double Coverage(double distance, double pixel, bool antiAlias) =>
        antiAlias ? Math.Clamp(0.5 - distance / pixel, 0.0, 1.0) : (distance < 0.0 ? 1.0 : 0.0);

    /// <summary>Hermite smooth step from 0 at <paramref name="edge0"/> to 1 at <paramref name="edge1"/>.</summary>
    public static double SmoothStep(double edge0, double edge1, double x)
    {
        var t = Math.Clamp((x - edge0) / (edge1 - edge0), 0.0, 1.0);
        return t * t * (3.0 - 2.0 * t);
    }

    /// <summary>Fractional part in [0, 1).</summary>
    public static double Fract(double x) => x - Math.Floor(x);

    /// <summary>Rotates (x, y) by the angle whose cosine and sine are given.</summary>
    public static (double X, double Y) Rotate(double x, double y, double cos, double sin) =>
        (x * cos - y * sin, x * sin + y * cos);
}
