namespace DaClip.MLNet.Training.Synthetic.Rendering;

/// <summary>The surface an object lies on: a flat colour with cloudy shading, a vignette, and the object's soft drop shadow.</summary>
internal sealed class Tabletop(Rgb colour, ulong cloudSeed, double vignette, double cloud, double shadow)
{
    /// <summary>Table colour at (<paramref name="x"/>, <paramref name="y"/>), given the signed distance to the object's outline shifted by the shadow offset.</summary>
    public Rgb Shade(double x, double y, double shadowDistance)
    {
        var dx = x - 0.5;
        var dy = y - 0.5;
        var light = 1.0 - vignette * (dx * dx + dy * dy);
        var clouds = 1.0 - 0.5 * cloud + cloud * Noise.Fbm(cloudSeed, x * 3.0, y * 3.0, 3);
        var shade = 1.0 - shadow * (1.0 - Shapes.SmoothStep(-0.015, 0.035, shadowDistance));
        return colour * (light * clouds * shade);
    }
}
